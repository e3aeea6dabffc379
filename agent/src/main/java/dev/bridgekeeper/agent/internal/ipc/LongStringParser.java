package dev.bridgekeeper.agent.internal.ipc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/** A parser over a {@link LongStringReader} that gives each long value back where it was taken out. */
final class LongStringParser extends JsonParserDelegate {
    private final LongStringReader reader;

    LongStringParser(JsonParser parser, LongStringReader reader) {
        super(parser);
        this.reader = reader;
    }

    private String longValue() {
        return currentToken() == JsonToken.VALUE_STRING
                ? reader.longValueAt(delegate.currentTokenLocation().getCharOffset())
                : null;
    }

    @Override
    public String getText() throws IOException {
        String value = longValue();
        return value != null ? value : super.getText();
    }

    @Override
    public String getValueAsString() throws IOException {
        String value = longValue();
        return value != null ? value : super.getValueAsString();
    }

    @Override
    public String getValueAsString(String defaultValue) throws IOException {
        String value = longValue();
        return value != null ? value : super.getValueAsString(defaultValue);
    }
}
