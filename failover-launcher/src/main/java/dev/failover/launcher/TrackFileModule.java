package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoSet;
import dev.failover.api.FailoverListener;

/** keepalived's track file ({@link UplinkTrackFile}), one more listener of the engine. */
@Module
interface TrackFileModule {
  @Binds
  @IntoSet
  FailoverListener trackFileEvents(UplinkTrackFile trackFile);
}
