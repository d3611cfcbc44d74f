package io.notebookhub.profiles;

/**
 * One problem in a profile file, positioned where an editor can jump to it.
 *
 * @param file the file as the admin knows it (folder/name.yaml), never the ConfigMap's hidden timestamped path
 * @param line 1-based line, or 0 when the problem is about the folder as a whole
 * @param column 1-based column, or 0 with line 0
 * @param message what is wrong and, where it helps, what would be right
 */
public record ProfileError(String file, int line, int column, String message) {

    /** {@code file:line:column: message}, the shape compilers use and editors link. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
