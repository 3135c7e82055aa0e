package org.meshsec.tun;

/**
 * Linux errno values this module tests for, and symbolic names for messages. The values are the
 * asm-generic ones, shared by x86_64 and aarch64 (see {@code errno-base.h} and {@code errno.h}).
 *
 * <p>Stateless; thread-safe.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int ENOTTY = 25;
  public static final int EBADFD = 77;
  public static final int EMSGSIZE = 90;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOBUFS = 105;
  public static final int ECONNREFUSED = 111;

  private Errno() {}

  /** The symbolic name of {@code errno} ("EPERM"), or {@code "errno N"} for one not listed here. */
  public static String name(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case 3 -> "ESRCH";
      case EINTR -> "EINTR";
      case EIO -> "EIO";
      case ENXIO -> "ENXIO";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EFAULT -> "EFAULT";
      case EBUSY -> "EBUSY";
      case EEXIST -> "EEXIST";
      case ENODEV -> "ENODEV";
      case 20 -> "ENOTDIR";
      case 21 -> "EISDIR";
      case EINVAL -> "EINVAL";
      case ENFILE -> "ENFILE";
      case EMFILE -> "EMFILE";
      case ENOTTY -> "ENOTTY";
      case 28 -> "ENOSPC";
      case 32 -> "EPIPE";
      case 38 -> "ENOSYS";
      case 75 -> "EOVERFLOW";
      case EBADFD -> "EBADFD";
      case EMSGSIZE -> "EMSGSIZE";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      case 93 -> "EPROTONOSUPPORT";
      case 97 -> "EAFNOSUPPORT";
      case 100 -> "ENETDOWN";
      case 101 -> "ENETUNREACH";
      case ENOBUFS -> "ENOBUFS";
      case ECONNREFUSED -> "ECONNREFUSED";
      case 113 -> "EHOSTUNREACH";
      default -> "errno " + errno;
    };
  }
}
