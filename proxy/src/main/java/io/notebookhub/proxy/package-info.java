/** The routing proxy: route table, forwarding, configurable-http-proxy's REST API. */
package io.notebookhub.proxy;
