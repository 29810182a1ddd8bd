package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.launcher.config.FailoverConfig;
import jakarta.inject.Singleton;

/**
 * keepalived's track files ({@link UplinkTrackFile}), one per address family, each a listener of
 * its family's engine.
 */
@Module
interface TrackFileModule {

  /** {@code keepalived_track_file}, following the IPv4 engine. */
  @Provides
  @Singleton
  static UplinkTrackFile trackFile(FailoverConfig config, DaemonExecutors executors) {
    return new UplinkTrackFile(AddressFamily.IPV4, config.keepalivedTrackFile(), executors.tick());
  }

  /** {@code keepalived_track_file_ipv6}, following the IPv6 engine. */
  @Provides
  @Singleton
  @Ipv6Service
  static UplinkTrackFile ipv6TrackFile(FailoverConfig config, DaemonExecutors executors) {
    return new UplinkTrackFile(
        AddressFamily.IPV6, config.keepalivedTrackFileIpv6(), executors.tick());
  }

  @Provides
  @IntoSet
  static FailoverListener trackFileEvents(UplinkTrackFile trackFile) {
    return trackFile;
  }

  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6TrackFileEvents(@Ipv6Service UplinkTrackFile trackFile) {
    return trackFile;
  }

  @Provides
  @Singleton
  static UplinkTrackFiles trackFiles(
      UplinkTrackFile trackFile, @Ipv6Service UplinkTrackFile ipv6TrackFile) {
    return new UplinkTrackFiles(trackFile, ipv6TrackFile);
  }
}
