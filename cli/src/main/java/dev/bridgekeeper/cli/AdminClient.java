package dev.bridgekeeper.cli;

import dev.bridgekeeper.agent.internal.ipc.JsonLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bridgekeeper.protocol.framing.FrameReader;
import dev.bridgekeeper.protocol.framing.FrameWriter;
import dev.bridgekeeper.protocol.framing.Frames;
import dev.bridgekeeper.protocol.local.ChannelStreams;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The CLI's side of an admin connection to a running agent (PROTOCOL.md §7). */
public final class AdminClient implements AutoCloseable {
    /** Reads what the agent answers: peer input, so the protocol's JSON limits apply. */
    private static final ObjectMapper JSON = JsonLimits.mapper(Frames.DEFAULT_MAX_FRAME);
    private final SocketChannel channel;
    private final FrameReader reader;
    private final FrameWriter writer;

    private AdminClient(SocketChannel channel) {
        this.channel = channel;
        this.reader = new FrameReader(ChannelStreams.input(channel), Frames.MAX_TO_BROWSER);
        this.writer = new FrameWriter(ChannelStreams.output(channel), Frames.DEFAULT_MAX_FRAME);
    }

    /** Connects and says hello as admin; fails with a readable message when no agent runs there. */
    public static AdminClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("no agent is running on " + socket + " (start one with 'bridgekeeper agent')");
        }
        AdminClient c = new AdminClient(ch);
        c.writer.writeText("{\"type\":\"admin\",\"protocol\":1}");
        return c;
    }

    /** Sends one command; returns its result or throws with the agent's error message. */
    public JsonNode call(String command, String arg) throws IOException {
        ObjectNode req = JSON.createObjectNode();
        req.put("type", "admin.request");
        req.put("command", command);
        if (arg != null) {
            req.put("arg", arg);
        }
        writer.write(JSON.writeValueAsBytes(req));
        String text = reader.readJsonText();
        if (text == null) {
            throw new IOException("the agent closed the connection");
        }
        JsonNode res = JSON.readTree(text);
        if ("error".equals(res.path("type").asText())) {
            throw new IOException("the agent refused: " + res.path("message").asText());
        }
        if (!res.path("ok").asBoolean()) {
            throw new IOException(res.path("error").asText("the agent refused the command"));
        }
        return res.path("result");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
