package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VICI codec and the request/event flow of {@link Vici}, against a scripted fake server. */
class ViciTest {

  /** The encoding example of strongSwan's vici README, byte for byte. */
  @Test
  void encodesTheReadmeExample() throws Exception {
    Map<String, Object> sub = new LinkedHashMap<>();
    sub.put("key2", "value2");
    Map<String, Object> section1 = new LinkedHashMap<>();
    section1.put("sub-section", sub);
    section1.put("list1", List.of("item1", "item2"));
    Map<String, Object> msg = new LinkedHashMap<>();
    msg.put("key1", "value1");
    msg.put("section1", section1);

    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.write(new byte[] {3, 4});
    want.writeBytes(ascii("key1"));
    want.write(new byte[] {0, 6});
    want.writeBytes(ascii("value1"));
    want.write(new byte[] {1, 8});
    want.writeBytes(ascii("section1"));
    want.write(new byte[] {1, 11});
    want.writeBytes(ascii("sub-section"));
    want.write(new byte[] {3, 4});
    want.writeBytes(ascii("key2"));
    want.write(new byte[] {0, 6});
    want.writeBytes(ascii("value2"));
    want.write(2);
    want.write(new byte[] {4, 5});
    want.writeBytes(ascii("list1"));
    want.write(new byte[] {5, 0, 5});
    want.writeBytes(ascii("item1"));
    want.write(new byte[] {5, 0, 5});
    want.writeBytes(ascii("item2"));
    want.write(6);
    want.write(2);

    assertArrayEquals(want.toByteArray(), Vici.encode(msg));
    assertEquals(msg, Vici.decode(ByteBuffer.wrap(want.toByteArray())));
  }

  @Test
  void rejectsMalformedMessages() {
    assertThrows(ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {2})));
    assertThrows(ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {1, 1})));
    assertThrows(
        ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {1, 1, 'a'})));
    assertThrows(
        ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {3, 1, 'k', 0, 9})));
    assertThrows(ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {5, 0, 0})));
    assertThrows(ProtocolException.class, () -> Vici.decode(ByteBuffer.wrap(new byte[] {9})));
  }

  /** register -> confirm, request -> events then response, unregister -> confirm. */
  @Test
  void streamsEventsBeforeTheResponse(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("fake.vici");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      List<String> seen = new ArrayList<>();
      CompletableFuture<Void> fake =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = server.accept()) {
                  seen.add(readPacket(c));
                  write(c, Vici.EVENT_CONFIRM, null, Map.of());
                  seen.add(readPacket(c));
                  write(c, Vici.EVENT, "list-sa", Map.of("a", Map.of("state", "ESTABLISHED")));
                  write(c, Vici.EVENT, "list-sa", Map.of("b", Map.of("state", "CONNECTING")));
                  write(c, Vici.CMD_RESPONSE, null, Map.of("done", "yes"));
                  seen.add(readPacket(c));
                  write(c, Vici.EVENT_CONFIRM, null, Map.of());
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      List<Map<String, Object>> events = new ArrayList<>();
      Map<String, Object> response;
      try (Vici v = Vici.connect(sock)) {
        response = v.call("list-sas", Map.of("noblock", "yes"), "list-sa", events::add);
      }
      fake.get(5, TimeUnit.SECONDS);
      assertEquals(Map.of("done", "yes"), response);
      assertEquals(
          List.of(
              Map.of("a", Map.of("state", "ESTABLISHED")),
              Map.of("b", Map.of("state", "CONNECTING"))),
          events);
      assertEquals(List.of("3 list-sa {}", "0 list-sas {noblock=yes}", "4 list-sa {}"), seen);
    }
  }

  @Test
  void unknownCommandIsAnError(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("fake.vici");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      CompletableFuture<Void> fake =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = server.accept()) {
                  readPacket(c);
                  write(c, Vici.CMD_UNKNOWN, null, Map.of());
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      try (Vici v = Vici.connect(sock)) {
        assertThrows(ProtocolException.class, () -> v.call("no-such-command", Map.of()));
      }
      fake.get(5, TimeUnit.SECONDS);
    }
  }

  /** "type name message" of one packet the client sent. */
  private static String readPacket(SocketChannel c) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(4);
    while (len.hasRemaining()) {
      if (c.read(len) < 0) {
        throw new IOException("eof");
      }
    }
    ByteBuffer b = ByteBuffer.allocate(len.flip().getInt());
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new IOException("eof");
      }
    }
    b.flip();
    int type = b.get();
    byte[] name = new byte[b.get() & 0xff];
    b.get(name);
    return type + " " + new String(name, StandardCharsets.US_ASCII) + " " + Vici.decode(b);
  }

  private static void write(SocketChannel c, int type, String name, Map<String, Object> msg)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(type);
    if (name != null) {
      body.write(name.length());
      body.writeBytes(ascii(name));
    }
    body.writeBytes(Vici.encode(msg));
    ByteBuffer out = ByteBuffer.allocate(4 + body.size());
    out.putInt(body.size()).put(body.toByteArray()).flip();
    while (out.hasRemaining()) {
      c.write(out);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
