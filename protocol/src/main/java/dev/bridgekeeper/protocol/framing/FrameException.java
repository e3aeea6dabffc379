package dev.bridgekeeper.protocol.framing;

import dev.bridgekeeper.protocol.EnvelopeErrorCode;
import java.io.IOException;

/**
 * A frame that breaks PROTOCOL.md §1. Each {@link Kind} is a distinct, named error so callers can
 * answer with the right {@code error} envelope; the message never contains frame contents.
 */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the frame. */
    public enum Kind {
        /** The length prefix was 0. */
        EMPTY_FRAME(EnvelopeErrorCode.PROTOCOL_ERROR),
        /** The length prefix exceeded the reader's limit (nothing was allocated for it). */
        FRAME_TOO_LARGE(EnvelopeErrorCode.FRAME_TOO_LARGE),
        /** The stream ended inside a length prefix or a payload. */
        TRUNCATED_FRAME(EnvelopeErrorCode.PROTOCOL_ERROR),
        /** The payload is not valid UTF-8. */
        INVALID_UTF8(EnvelopeErrorCode.PROTOCOL_ERROR),
        /** The payload is UTF-8 but not a JSON object. */
        NOT_A_JSON_OBJECT(EnvelopeErrorCode.PROTOCOL_ERROR);

        private final EnvelopeErrorCode code;

        Kind(EnvelopeErrorCode code) {
            this.code = code;
        }

        /** The {@code error} code of PROTOCOL.md that answers this kind of bad frame. */
        public EnvelopeErrorCode code() {
            return code;
        }

        /** {@link #code()} as written on the wire. */
        public String errorCode() {
            return code.wireName();
        }
    }

    private final Kind kind;

    public FrameException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
