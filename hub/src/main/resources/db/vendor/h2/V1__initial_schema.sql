-- Hub state: users, groups, servers, tokens (hashed), OAuth clients of single-user servers, hub secrets.
CREATE TABLE users (
    name           VARCHAR(255) PRIMARY KEY,
    admin          BOOLEAN      NOT NULL DEFAULT FALSE,
    created        TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity  TIMESTAMP WITH TIME ZONE,
    auth_state     VARBINARY(65536)
);

CREATE TABLE groups_ (
    name        VARCHAR(255) PRIMARY KEY,
    properties  VARCHAR(65536) NOT NULL DEFAULT '{}'
);

CREATE TABLE group_members (
    group_name  VARCHAR(255) NOT NULL REFERENCES groups_(name) ON DELETE CASCADE,
    user_name   VARCHAR(255) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    PRIMARY KEY (group_name, user_name)
);
CREATE INDEX group_members_user ON group_members(user_name);

CREATE TABLE servers (
    user_name      VARCHAR(255) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    name           VARCHAR(255) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    profile        VARCHAR(255),
    user_options   VARCHAR(65536) NOT NULL DEFAULT '{}',
    url            VARCHAR(2048),
    spawner_state  VARCHAR(65536) NOT NULL DEFAULT '{}',
    started        TIMESTAMP WITH TIME ZONE,
    last_activity  TIMESTAMP WITH TIME ZONE,
    stop_reason    VARCHAR(4096),
    PRIMARY KEY (user_name, name)
);
CREATE INDEX servers_status ON servers(status);

CREATE TABLE tokens (
    id             BIGINT AUTO_INCREMENT PRIMARY KEY,
    hash           CHAR(64)     NOT NULL UNIQUE,
    user_name      VARCHAR(255) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    kind           VARCHAR(16)  NOT NULL,
    server_name    VARCHAR(255),
    client_id      VARCHAR(1024),
    scopes         VARCHAR(65536) NOT NULL,
    note           VARCHAR(4096),
    created        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE,
    last_activity  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX tokens_user ON tokens(user_name);

CREATE TABLE oauth_clients (
    id            VARCHAR(1024) PRIMARY KEY,
    user_name     VARCHAR(255) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    server_name   VARCHAR(255) NOT NULL,
    redirect_uri  VARCHAR(2048) NOT NULL,
    secret_hash   CHAR(64)     NOT NULL
);

CREATE TABLE hub_secrets (
    name   VARCHAR(255) PRIMARY KEY,
    secret_value  VARCHAR(4096) NOT NULL
);
