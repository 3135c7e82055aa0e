package org.meshsec.lab.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A minimal client of strongSwan's VICI control protocol over its Unix socket: enough to run
 * commands and collect streamed events (list-sas streams one "list-sa" event per IKE SA). Messages
 * are trees of {@code Map<String, Object>} whose values are {@code String}, {@code List<String>} or
 * nested maps, in wire order.
 *
 * <p>Protocol: strongSwan src/libcharon/plugins/vici/README.md -- 32-bit big-endian length framing;
 * packet type byte (CMD_REQUEST 0, CMD_RESPONSE 1, CMD_UNKNOWN 2, EVENT_REGISTER 3,
 * EVENT_UNREGISTER 4, EVENT_CONFIRM 5, EVENT_UNKNOWN 6, EVENT 7), named types followed by an
 * 8-bit-length name; message elements SECTION_START 1 (name), SECTION_END 2, KEY_VALUE 3 (name,
 * 16-bit-length value), LIST_START 4 (name), LIST_ITEM 5 (value), LIST_END 6.
 *
 * <p>One connection per call; not thread-safe (one command may be active per connection, which the
 * protocol itself requires).
 */
final class Vici implements AutoCloseable {
  static final int CMD_REQUEST = 0;
  static final int CMD_RESPONSE = 1;
  static final int CMD_UNKNOWN = 2;
  static final int EVENT_REGISTER = 3;
  static final int EVENT_UNREGISTER = 4;
  static final int EVENT_CONFIRM = 5;
  static final int EVENT_UNKNOWN = 6;
  static final int EVENT = 7;

  private static final int SECTION_START = 1;
  private static final int SECTION_END = 2;
  private static final int KEY_VALUE = 3;
  private static final int LIST_START = 4;
  private static final int LIST_ITEM = 5;
  private static final int LIST_END = 6;
  private static final int MAX_SEGMENT = 512 * 1024;

  private final SocketChannel channel;

  private Vici(SocketChannel channel) {
    this.channel = channel;
  }

  static Vici connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new Vici(ch);
  }

  /** Sends command {@code name} with {@code args} and returns the response message. */
  Map<String, Object> call(String name, Map<String, Object> args) throws IOException {
    return call(name, args, null, event -> {});
  }

  /**
   * Registers for {@code event} (if not null), sends the command, hands every streamed event
   * message to {@code sink}, returns the response, and unregisters.
   */
  Map<String, Object> call(
      String name, Map<String, Object> args, String event, Consumer<Map<String, Object>> sink)
      throws IOException {
    if (event != null) {
      send(EVENT_REGISTER, event, Map.of());
      expect(read(), EVENT_CONFIRM, "register " + event);
    }
    send(CMD_REQUEST, name, args);
    Map<String, Object> response;
    while (true) {
      Packet p = read();
      if (p.type == EVENT) {
        sink.accept(p.message);
        continue;
      }
      if (p.type == CMD_UNKNOWN) {
        throw new ProtocolException("charon does not know the vici command " + name);
      }
      expect(p, CMD_RESPONSE, name);
      response = p.message;
      break;
    }
    if (event != null) {
      send(EVENT_UNREGISTER, event, Map.of());
      while (true) {
        Packet p = read();
        if (p.type == EVENT) {
          continue; // raised before the unregistration took effect
        }
        expect(p, EVENT_CONFIRM, "unregister " + event);
        break;
      }
    }
    return response;
  }

  private static void expect(Packet p, int type, String what) throws ProtocolException {
    if (p.type != type) {
      throw new ProtocolException("vici " + what + ": got packet type " + p.type);
    }
  }

  private void send(int type, String name, Map<String, Object> message) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(type);
    writeName(body, name);
    body.writeBytes(encode(message));
    byte[] b = body.toByteArray();
    ByteBuffer buf = ByteBuffer.allocate(4 + b.length);
    buf.putInt(b.length).put(b).flip();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  private record Packet(int type, String name, Map<String, Object> message) {}

  private Packet read() throws IOException {
    ByteBuffer len = readFully(4);
    int n = len.getInt();
    if (n < 1 || n > MAX_SEGMENT) {
      throw new ProtocolException("vici segment length " + n);
    }
    ByteBuffer b = readFully(n);
    int type = b.get() & 0xff;
    String name = null;
    if (type == CMD_REQUEST
        || type == EVENT_REGISTER
        || type == EVENT_UNREGISTER
        || type == EVENT) {
      name = readName(b);
    }
    return new Packet(type, name, decode(b));
  }

  private ByteBuffer readFully(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new ProtocolException("vici socket closed by charon");
      }
    }
    return b.flip();
  }

  /** Encodes a message tree; values must be String, List of String, or Map (a section). */
  static byte[] encode(Map<String, Object> message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encodeSection(out, message);
    return out.toByteArray();
  }

  private static void encodeSection(ByteArrayOutputStream out, Map<String, Object> section) {
    for (Map.Entry<String, Object> e : section.entrySet()) {
      Object v = e.getValue();
      if (v instanceof String s) {
        out.write(KEY_VALUE);
        writeName(out, e.getKey());
        writeValue(out, s);
      } else if (v instanceof List<?> list) {
        out.write(LIST_START);
        writeName(out, e.getKey());
        for (Object item : list) {
          out.write(LIST_ITEM);
          writeValue(out, (String) item);
        }
        out.write(LIST_END);
      } else if (v instanceof Map<?, ?> sub) {
        out.write(SECTION_START);
        writeName(out, e.getKey());
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) sub;
        encodeSection(out, typed);
        out.write(SECTION_END);
      } else {
        throw new IllegalArgumentException("unsupported vici value for " + e.getKey() + ": " + v);
      }
    }
  }

  private static void writeName(ByteArrayOutputStream out, String name) {
    byte[] b = name.getBytes(StandardCharsets.US_ASCII);
    if (b.length > 255) {
      throw new IllegalArgumentException("vici name too long: " + name);
    }
    out.write(b.length);
    out.writeBytes(b);
  }

  private static void writeValue(ByteArrayOutputStream out, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xffff) {
      throw new IllegalArgumentException("vici value too long");
    }
    out.write(b.length >> 8);
    out.write(b.length & 0xff);
    out.writeBytes(b);
  }

  private static String readName(ByteBuffer b) throws ProtocolException {
    need(b, 1);
    int n = b.get() & 0xff;
    need(b, n);
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.US_ASCII);
  }

  private static String readValue(ByteBuffer b) throws ProtocolException {
    need(b, 2);
    int n = b.getShort() & 0xffff;
    need(b, n);
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static void need(ByteBuffer b, int n) throws ProtocolException {
    if (b.remaining() < n) {
      throw new ProtocolException("truncated vici message");
    }
  }

  /** Decodes the message elements remaining in {@code b}. */
  static Map<String, Object> decode(ByteBuffer b) throws ProtocolException {
    Map<String, Object> root = new LinkedHashMap<>();
    Deque<Map<String, Object>> sections = new ArrayDeque<>();
    sections.push(root);
    List<String> list = null;
    while (b.hasRemaining()) {
      int type = b.get() & 0xff;
      if (list != null && type != LIST_ITEM && type != LIST_END) {
        throw new ProtocolException("vici element " + type + " inside a list");
      }
      switch (type) {
        case SECTION_START -> {
          Map<String, Object> s = new LinkedHashMap<>();
          sections.peek().put(readName(b), s);
          sections.push(s);
        }
        case SECTION_END -> {
          if (sections.size() == 1) {
            throw new ProtocolException("unbalanced vici SECTION_END");
          }
          sections.pop();
        }
        case KEY_VALUE -> {
          String k = readName(b);
          sections.peek().put(k, readValue(b));
        }
        case LIST_START -> {
          list = new ArrayList<>();
          sections.peek().put(readName(b), list);
        }
        case LIST_ITEM -> {
          if (list == null) {
            throw new ProtocolException("vici LIST_ITEM outside a list");
          }
          list.add(readValue(b));
        }
        case LIST_END -> {
          if (list == null) {
            throw new ProtocolException("unbalanced vici LIST_END");
          }
          list = null;
        }
        default -> throw new ProtocolException("unknown vici element type " + type);
      }
    }
    if (sections.size() != 1 || list != null) {
      throw new ProtocolException("unterminated vici section or list");
    }
    return root;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
