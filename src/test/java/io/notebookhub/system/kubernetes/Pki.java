package io.notebookhub.system.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test cluster's certificates, made with the openssl command: a CA, the API server's serving certificate,
 * a cluster-admin client certificate (group {@code system:masters}) and the service-account signing key pair.
 * RSA keys, because both Go and fabric8 read them without extra providers.
 */
record Pki(Path dir) {

    static Pki create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pki pki = new Pki(dir);
        pki.generate();
        return pki;
    }

    Path caCert() {
        return dir.resolve("ca.crt");
    }

    Path apiServerCert() {
        return dir.resolve("apiserver.crt");
    }

    Path apiServerKey() {
        return dir.resolve("apiserver.key");
    }

    Path adminCert() {
        return dir.resolve("admin.crt");
    }

    Path adminKey() {
        return dir.resolve("admin.key");
    }

    Path serviceAccountKey() {
        return dir.resolve("sa.key");
    }

    Path serviceAccountPublicKey() {
        return dir.resolve("sa.pub");
    }

    private void generate() throws IOException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "3", "-subj", "/CN=notebook-hub-test-ca");
        Files.writeString(dir.resolve("apiserver.ext"), "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,"
                + "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,"
                + "DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n");
        signed("apiserver", "/CN=kube-apiserver", "apiserver.ext");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        signed("admin", "/O=system:masters/CN=notebook-hub-test-admin", "client.ext");
        openssl("genrsa", "-out", "sa.key", "2048");
        openssl("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
    }

    private void signed(String name, String subject, String extensions) throws IOException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", subject);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "3", "-extfile", extensions, "-out", name + ".crt");
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
