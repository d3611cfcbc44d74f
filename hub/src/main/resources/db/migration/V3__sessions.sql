-- Browser sessions become server-side records, so that logout, deleting a user and "log out everywhere" end them at
-- once. The cookie carries a random token; only its SHA-256 is kept, as the session's id. auth_state holds the
-- identity provider's tokens of this one login (sealed by the authenticator). Tokens minted through a session (the
-- OAuth tokens of notebook servers) name it, so ending the session ends them too.
CREATE TABLE hub_sessions (
    id             VARCHAR(64)  PRIMARY KEY,
    user_name      VARCHAR(255) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    auth_state     VARCHAR(65536)
);
CREATE INDEX hub_sessions_user ON hub_sessions(user_name);

ALTER TABLE tokens ADD COLUMN session_id VARCHAR(64);
CREATE INDEX tokens_session ON tokens(session_id);
