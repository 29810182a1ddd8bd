package dev.failover.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Drops a capability from the calling thread only, so that a test can see how code behaves without
 * a privilege while the rest of the JVM (and the lab's commands) keep it: Linux capabilities belong
 * to a thread, and {@code capset(2)} with pid 0 changes only the caller's.
 */
final class ThreadCapabilities {
  static final int CAP_NET_RAW = 13;
  private static final int VERSION_3 = 0x20080522;

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int capget(int[] header, int[] data);

    int capset(int[] header, int[] data);
  }

  private ThreadCapabilities() {}

  /**
   * Removes capability {@code cap} (below 32) from the calling thread's effective and permitted
   * sets, for good: use it on a throw-away thread only.
   *
   * @throws IllegalStateException if the kernel refuses
   */
  static void dropFromThisThread(int cap) {
    int[] header = {VERSION_3, 0};
    // Two __user_cap_data_struct {effective, permitted, inheritable}: capabilities 0-31, 32-63.
    int[] data = new int[6];
    if (LibC.INSTANCE.capget(header, data) != 0) {
      throw new IllegalStateException("capget failed: errno " + Native.getLastError());
    }
    data[0] &= ~(1 << cap);
    data[1] &= ~(1 << cap);
    if (LibC.INSTANCE.capset(header, data) != 0) {
      throw new IllegalStateException("capset failed: errno " + Native.getLastError());
    }
  }
}
