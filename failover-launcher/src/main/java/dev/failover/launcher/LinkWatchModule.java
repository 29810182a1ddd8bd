package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;

/**
 * failover-linux's link monitor (rtnetlink notifications) behind the launcher's {@link LinkWatch}.
 */
@Module
interface LinkWatchModule {

  @Binds
  LinkWatch linkWatch(LinuxLinkWatch watch);
}
