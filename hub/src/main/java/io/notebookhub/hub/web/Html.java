package io.notebookhub.hub.web;

/** Escaping and the shared page layout. Pages are small server-rendered HTML with a little JavaScript. */
public final class Html {
    private Html() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page; {@code nav} is the user's name for the header, or empty. */
    public static String page(String title, String body, String user) {
        String nav = user.isEmpty() ? "" : "<nav><a href=\"/hub/home\">Home</a> <a href=\"/hub/token\">Token</a> "
                + "<span class=\"user\">" + escape(user) + "</span> <a id=\"logout\" href=\"/hub/logout\">Logout</a></nav>";
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " - Notebook Hub</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<style>" + CSS + "</style></head><body><header><a class=\"brand\" href=\"/hub/home\">Notebook Hub</a>"
                + nav + "</header><main><h1>" + escape(title) + "</h1>" + body + "</main></body></html>";
    }

    private static final String CSS = "body{font-family:system-ui,sans-serif;margin:0;color:#222}"
            + "header{display:flex;justify-content:space-between;align-items:center;padding:.6em 1.2em;background:#f37726;color:#fff}"
            + "header a{color:#fff;margin-left:1em}.brand{font-weight:bold;margin-left:0}main{max-width:60em;margin:1.5em auto;padding:0 1em}"
            + ".profile{border:1px solid #ccc;border-radius:6px;padding:.8em;margin:.6em 0}.badge{background:#6a1b9a;color:#fff;"
            + "border-radius:4px;padding:0 .4em;font-size:.8em;margin-left:.5em}.error{color:#b00020}.notice{background:#fff3cd;"
            + "border:1px solid #e0c060;padding:.6em;border-radius:4px}button,input[type=submit]{padding:.4em 1em;margin:.2em}"
            + "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left}"
            + "progress{width:100%}#log{font-family:monospace;white-space:pre-wrap;background:#f6f6f6;padding:.6em}";
}
