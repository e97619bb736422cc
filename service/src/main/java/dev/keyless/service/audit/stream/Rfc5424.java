package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5424 messages with RFC 6587 octet-counting framing ({@code MSG-LEN SP SYSLOG-MSG}), so a
 * record may hold any character. MSGID is the event type; the structured data element
 * {@code keyless@32473} (32473 is the enterprise number RFC 5612 sets aside for examples, Keyless
 * has none of its own) carries team, seq and outcome; MSG is the record's JSON line, without a BOM.
 * Pure.
 */
final class Rfc5424 {
    private static final List<String> FACILITIES = List.of(
            "kern",
            "user",
            "mail",
            "daemon",
            "auth",
            "syslog",
            "lpr",
            "news",
            "uucp",
            "cron",
            "authpriv",
            "ftp",
            "ntp",
            "audit",
            "alert",
            "clock",
            "local0",
            "local1",
            "local2",
            "local3",
            "local4",
            "local5",
            "local6",
            "local7");
    private static final int INFO = 6;
    private static final int NOTICE = 5;
    private static final String SD_ID = "keyless@32473";

    private final int facility;
    private final String appName;
    private final String hostname;

    Rfc5424(int facility, String appName, String hostname) {
        this.facility = facility;
        this.appName = field(appName, 48);
        this.hostname = field(hostname, 255);
    }

    static int facility(String name) {
        int code = FACILITIES.indexOf(name.toLowerCase(Locale.ROOT));
        if (code < 0) {
            throw new IllegalArgumentException("syslog facility must be one of " + FACILITIES);
        }
        return code;
    }

    static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "-";
        }
    }

    /** The framed message: {@code LEN SP <PRI>1 TIME HOST APP PROCID MSGID [SD] MSG}. */
    byte[] frame(StreamItem item, long pid) {
        byte[] body = message(item, pid);
        byte[] length = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[length.length + body.length];
        System.arraycopy(length, 0, framed, 0, length.length);
        System.arraycopy(body, 0, framed, length.length, body.length);
        return framed;
    }

    /** The message alone, {@code <PRI>1 TIME HOST APP PROCID MSGID [SD] MSG}: what RELP carries. */
    byte[] message(StreamItem item, long pid) {
        int severity = "failure".equals(item.outcome()) ? NOTICE : INFO;
        String message = "<" + (facility * 8 + severity) + ">1 "
                + DateTimeFormatter.ISO_INSTANT.format(item.time().truncatedTo(ChronoUnit.MILLIS)) + " "
                + hostname + " " + appName + " " + pid + " " + field(item.type(), 32)
                + " [" + SD_ID + " team=\"" + param(item.team()) + "\" seq=\"" + item.seq()
                + "\" outcome=\"" + param(item.outcome()) + "\" record_type=\"" + param(item.kind()) + "\"] "
                + item.json();
        return message.getBytes(StandardCharsets.UTF_8);
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} long, or the nil value. */
    static String field(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length() && b.length() < max; i++) {
            char ch = value.charAt(i);
            b.append(ch > 32 && ch < 127 ? ch : '_');
        }
        return b.toString();
    }

    /** A structured-data parameter value: {@code "}, {@code \} and {@code ]} escaped (RFC 5424 6.3.3). */
    static String param(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }
}
