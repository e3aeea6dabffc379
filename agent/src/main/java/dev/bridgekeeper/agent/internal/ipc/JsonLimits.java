package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.bridgekeeper.protocol.Limits;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Limits on JSON read from a peer, set deliberately rather than left at Jackson's defaults
 * (nesting 1,000, numbers of 1,000 digits, names of 50,000 characters). Every envelope and IPC
 * message of PROTOCOL.md nests a few levels and carries short numbers and names, so these limits
 * refuse only hostile input, early and cheaply, and keep every recursive walk of a parsed tree
 * (conversion, serialisation of an echoed value) far from the stack's limit. Input over a limit
 * fails to parse: a {@code protocol_error} for an envelope, a {@code parse_error} for a request.
 *
 * <p>The one factory for JSON read from a peer (envelopes, {@code hello} and admin frames, handshake
 * payloads, IPC messages; PROTOCOL.md §1.4): the limits come from the vocabulary, and duplicate
 * field names are refused everywhere (decision D13). Files this side wrote itself (identity,
 * pairings) are not peer input.
 */
public final class JsonLimits {
    private JsonLimits() {}

    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_NESTING_DEPTH = Limits.JSON_MAX_NESTING_DEPTH;
    /** Longest number accepted, in characters: ids, codes and counts need far fewer. */
    public static final int MAX_NUMBER_LENGTH = Limits.JSON_MAX_NUMBER_CHARS;
    /** Longest field name accepted, in characters. */
    public static final int MAX_NAME_LENGTH = Limits.JSON_MAX_NAME_CHARS;

    /** The constraints for documents whose strings may be up to {@code maxStringLength} characters. */
    public static StreamReadConstraints constraints(int maxStringLength) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNameLength(MAX_NAME_LENGTH)
                .maxStringLength(maxStringLength)
                .build();
    }

    /**
     * The mapper for IPC messages: strings may fill a whole message of {@code maxMessageSize}
     * bytes; nesting, numbers and names are bounded as for every peer input.
     */
    public static ObjectMapper messageMapper(int maxMessageSize) {
        return mapper(Math.max(maxMessageSize, StreamReadConstraints.DEFAULT_MAX_STRING_LEN));
    }

    /**
     * A mapper that applies {@link #constraints(int)}, refuses duplicate field names and ignores
     * unknown fields.
     */
    public static ObjectMapper mapper(int maxStringLength) {
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints(maxStringLength))
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
