package dev.bridgekeeper.cli.doctor;

import dev.bridgekeeper.agent.internal.registration.Finding;
import dev.bridgekeeper.agent.internal.registration.HostOs;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The doctor's findings, as text for a person or JSON for a program.
 *
 * @param os       whose lookup was replayed
 * @param findings every finding, grouped by subject in check order
 */
public record DoctorReport(HostOs os, List<Finding> findings, String hostName) {

    /** A report about the default product. */
    public DoctorReport(HostOs os, List<Finding> findings) {
        this(os, findings, BrowserCatalog.HOST_NAME);
    }

    public DoctorReport {
        findings = List.copyOf(findings);
    }

    /** True when nothing failed (warnings allowed). */
    public boolean ok() {
        return count(Finding.Status.FAIL) == 0;
    }

    /** How many findings have this status. */
    public long count(Finding.Status status) {
        return findings.stream().filter(f -> f.status() == status).count();
    }

    /** The findings about one subject. */
    public List<Finding> about(String subject) {
        List<Finding> list = new ArrayList<>();
        for (Finding f : findings) {
            if (f.subject().equals(subject)) {
                list.add(f);
            }
        }
        return list;
    }

    /** Human-readable report: one block per subject, a fix under every problem. */
    public String toText() {
        Map<String, List<Finding>> bySubject = new LinkedHashMap<>();
        for (Finding f : findings) {
            bySubject.computeIfAbsent(f.subject(), k -> new ArrayList<>()).add(f);
        }
        StringBuilder b = new StringBuilder();
        b.append("Bridgekeeper doctor (").append(os.label()).append(", host ").append(hostName).append(")\n");
        for (Map.Entry<String, List<Finding>> e : bySubject.entrySet()) {
            b.append('\n').append(e.getKey()).append('\n');
            for (Finding f : e.getValue()) {
                b.append(String.format(Locale.ROOT, "  %-4s  %-13s %s%n", label(f.status()), f.check(), f.message()));
                if (f.fix() != null) {
                    b.append(String.format(Locale.ROOT, "  %-4s  %-13s fix: %s%n", "", "", f.fix()));
                }
            }
        }
        long fails = count(Finding.Status.FAIL);
        long warns = count(Finding.Status.WARN);
        b.append('\n').append(fails == 0 ? "OK" : "PROBLEMS").append(": ")
                .append(fails).append(fails == 1 ? " problem, " : " problems, ")
                .append(warns).append(warns == 1 ? " warning" : " warnings").append('\n');
        return b.toString();
    }

    /** {"ok":…, "os":…, "host":…, "problems":n, "warnings":n, "checks":[{subject, check, status, message, fix?}]} */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", ok());
        root.put("os", os.label());
        root.put("host", hostName);
        root.put("problems", count(Finding.Status.FAIL));
        root.put("warnings", count(Finding.Status.WARN));
        ArrayNode checks = root.putArray("checks");
        for (Finding f : findings) {
            ObjectNode c = checks.addObject();
            c.put("subject", f.subject());
            c.put("check", f.check());
            c.put("status", f.status().name().toLowerCase(Locale.ROOT));
            c.put("message", f.message());
            if (f.fix() != null) {
                c.put("fix", f.fix());
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    private static String label(Finding.Status s) {
        switch (s) {
            case OK: return "ok";
            case INFO: return "info";
            case WARN: return "WARN";
            default: return "FAIL";
        }
    }
}
