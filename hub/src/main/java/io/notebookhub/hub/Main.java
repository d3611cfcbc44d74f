package io.notebookhub.hub;

public final class Main {
    public static void main(String[] args) {
    }
}
