// nulltun: the smallest userspace tunnel, for bench/compare.sh's latency floor. It moves every
// packet read from a TUN device into one UDP datagram to the peer and every datagram received into
// the TUN device: no encryption, no policy, one blocking epoll loop, one read or write per packet.
// Its added round trip is what any userspace tunnel pays on a machine for the wake-ups and the
// system calls alone (bench/RESULTS.md, "Idle latency: the floor").
//
//   nulltun TUN_NAME LOCAL_IPV4 PEER_IPV4 PORT
//
// The caller configures the TUN device (address, route, up) once it exists.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: nulltun TUN_NAME LOCAL_IPV4 PEER_IPV4 PORT\n");
    return 2;
  }
  int tun = open("/dev/net/tun", O_RDWR);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (tun < 0 || ioctl(tun, TUNSETIFF, &ifr) < 0) {
    perror("tun");
    return 1;
  }
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))};
  struct sockaddr_in peer = local;
  inet_pton(AF_INET, argv[2], &local.sin_addr);
  inet_pton(AF_INET, argv[3], &peer.sin_addr);
  if (bind(udp, (struct sockaddr *)&local, sizeof local) < 0) {
    perror("bind");
    return 1;
  }
  int ep = epoll_create1(0);
  struct epoll_event e = {.events = EPOLLIN, .data.fd = tun};
  epoll_ctl(ep, EPOLL_CTL_ADD, tun, &e);
  e.data.fd = udp;
  epoll_ctl(ep, EPOLL_CTL_ADD, udp, &e);
  static char buf[65536];
  for (;;) {
    struct epoll_event ready[2];
    int n = epoll_wait(ep, ready, 2, -1);
    for (int i = 0; i < n; i++) {
      if (ready[i].data.fd == tun) {
        ssize_t len = read(tun, buf, sizeof buf);
        if (len > 0) sendto(udp, buf, len, 0, (struct sockaddr *)&peer, sizeof peer);
      } else {
        ssize_t len = recv(udp, buf, sizeof buf, 0);
        if (len > 0) write(tun, buf, len);
      }
    }
  }
}
