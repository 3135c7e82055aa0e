package org.meshsec.ike.v1.message;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of decoding untrusted bytes: {@link Ok} with the value or {@link Err} with a {@link
 * ParseError}. Decoders of this package never throw on bad input; they return {@code Err}.
 *
 * @param <T> the decoded type
 */
public sealed interface ParseResult<T> {

  /** Decoding succeeded. */
  record Ok<T>(T value) implements ParseResult<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** Decoding failed. */
  record Err<T>(ParseError error) implements ParseResult<T> {
    public Err {
      Objects.requireNonNull(error, "error");
    }

    /** The same error as a result of another type. */
    public <U> Err<U> cast() {
      return new Err<>(error);
    }
  }

  static <T> ParseResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> ParseResult<T> err(ParseError error) {
    return new Err<>(error);
  }

  /** Shorthand for {@code err(ParseError.of(kind, offset, detail))}. */
  static <T> ParseResult<T> fail(ParseError.Kind kind, int offset, String detail) {
    return new Err<>(ParseError.of(kind, offset, detail));
  }

  /** Shorthand for {@code err(ParseError.invalid(notify, offset, detail))}. */
  static <T> ParseResult<T> invalid(NotifyType notify, int offset, String detail) {
    return new Err<>(ParseError.invalid(notify, offset, detail));
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The value of an {@link Ok}; throws {@link IllegalStateException} on an {@link Err}. */
  default T orElseThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("decode failed: " + ((Err<T>) this).error());
  }

  /** Applies {@code f} to an {@link Ok} value; passes an {@link Err} through. */
  default <U> ParseResult<U> map(Function<? super T, ? extends U> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    return ((Err<T>) this).cast();
  }
}
