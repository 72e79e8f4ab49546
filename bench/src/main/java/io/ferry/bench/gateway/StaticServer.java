package io.ferry.bench.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx serving a directory on 127.0.0.1, started in the foreground with a configuration
 * of its own (no root, no system files touched): the plain static file server the gateway is
 * compared with. {@code bench/gateway-bench.sh} installs nginx when it is missing.
 */
final class StaticServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private StaticServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static StaticServer start(Path root, Path work, int port)
      throws IOException, InterruptedException {
    Path prefix = Files.createDirectories(work.resolve("nginx"));
    Files.createDirectories(prefix.resolve("logs"));
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "daemon off;",
            System.getProperty("user.name").equals("root") ? "user root;" : "",
            "worker_processes 2;",
            "pid " + prefix.resolve("nginx.pid") + ";",
            "error_log " + prefix.resolve("logs/error.log") + " warn;",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  sendfile on;",
            "  tcp_nopush on;",
            "  keepalive_requests 100000;",
            "  client_body_temp_path " + prefix.resolve("tmp") + ";",
            "  proxy_temp_path " + prefix.resolve("tmp") + ";",
            "  fastcgi_temp_path " + prefix.resolve("tmp") + ";",
            "  uwsgi_temp_path " + prefix.resolve("tmp") + ";",
            "  scgi_temp_path " + prefix.resolve("tmp") + ";",
            "  types { application/vnd.ipld.car car; }",
            "  default_type application/octet-stream;",
            "  server { listen 127.0.0.1:" + port + "; root " + root + "; }",
            "}",
            ""));
    Process p =
        new ProcessBuilder(List.of(nginx(), "-p", prefix.toString(), "-c", conf.toString()))
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
            .start();
    StaticServer s = new StaticServer(p, port);
    // nginx writes its pid file once it listens.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(prefix.resolve("nginx.pid"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        s.close();
        throw new IOException(
            "nginx did not start: " + Files.readString(prefix.resolve("logs/stdout.log")));
      }
      Thread.sleep(50);
    }
    return s;
  }

  private static String nginx() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("nginx is not installed: run bench/gateway-bench.sh");
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
