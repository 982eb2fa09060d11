/*
 * A Kafka-protocol broker for the tests, without Docker or Java: librdkafka's mock cluster, behind a small proxy.
 * Usage: mock-cluster [broker_cnt] [--topic name:partitions]...
 * Prints "BOOTSTRAP <servers>" once (the proxies' addresses), then serves until stdin reaches EOF (the parent
 * died or closed the pipe, so no broker outlives its test run) or SIGTERM/SIGINT arrives.
 *
 * Why the proxy: librdkafka 2.0.2's mock answers Metadata with ControllerId 0 but numbers its brokers from 1.
 * kafkajs sends an idempotent producer's InitProducerId to the controller, so without the proxy
 * `producer.connect()` fails with "Broker 0 not found in the cached metadata". One proxy per mock broker passes
 * every byte through, except in Metadata responses: the brokers' ports become the proxies' ports (so every later
 * connection comes here too) and a ControllerId naming no broker becomes the first broker's id. It runs here, in
 * C on the main thread, rather than in the test process, whose CPU it would take from the code under test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_BROKERS 16
#define MAX_CONNECTIONS 256
#define METADATA_API_KEY 3
/* Metadata v9 and later use compact (flexible) encodings; kafkajs 2 asks for v6 at most. */
#define FIRST_FLEXIBLE_METADATA_VERSION 9
#define PENDING_METADATA 64

struct buffer {
  unsigned char *data;
  size_t len, cap;
};

/* One side of a proxied connection: its socket, bytes read from it and not yet forwarded (an incomplete frame),
 * and bytes waiting to be written to it. */
struct side {
  int fd;
  struct buffer in, out;
};

struct connection {
  int used;
  struct side client, upstream;
  int32_t metadata_ids[PENDING_METADATA]; /* correlation ids of Metadata requests in flight */
  int16_t metadata_versions[PENDING_METADATA];
  int metadata_count;
};

static struct {
  int count;
  int listener[MAX_BROKERS];
  struct sockaddr_in upstream[MAX_BROKERS];
  int upstream_port[MAX_BROKERS], proxy_port[MAX_BROKERS];
} brokers;
static struct connection connections[MAX_CONNECTIONS];

static int32_t read32(const unsigned char *p) { return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); }
static int16_t read16(const unsigned char *p) { return (int16_t)(p[0] << 8 | p[1]); }
static void write32(unsigned char *p, int32_t v) { p[0] = (uint32_t)v >> 24, p[1] = (uint32_t)v >> 16, p[2] = (uint32_t)v >> 8, p[3] = (uint32_t)v; }

static void append(struct buffer *b, const unsigned char *data, size_t len) {
  if (b->len + len > b->cap) {
    b->cap = (b->len + len) * 2;
    b->data = realloc(b->data, b->cap);
    if (!b->data) fprintf(stderr, "mock-cluster proxy: out of memory\n"), exit(1);
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void consume(struct buffer *b, size_t len) {
  memmove(b->data, b->data + len, b->len - len);
  b->len -= len;
}

/* Rewrites, in place, the broker ports and (v1 and later) the ControllerId of a Metadata response frame. */
static void rewrite_metadata(unsigned char *f, size_t len, int version) {
  if (version >= FIRST_FLEXIBLE_METADATA_VERSION) return;
  size_t o = 8 + (version >= 3 ? 4 : 0); /* size, correlation id, throttle time */
  if (o + 4 > len) return;
  int32_t count = read32(f + o), ids[MAX_BROKERS], n = 0;
  o += 4;
  for (int32_t i = 0; i < count; i++) {
    if (o + 6 > len) return;
    if (n < MAX_BROKERS) ids[n++] = read32(f + o);
    o += 6 + (size_t)(read16(f + o + 4) > 0 ? read16(f + o + 4) : 0); /* node id, host */
    if (o + 4 > len) return;
    for (int b = 0; b < brokers.count; b++)
      if (read32(f + o) == brokers.upstream_port[b]) write32(f + o, brokers.proxy_port[b]);
    o += 4;
    if (version >= 1) {
      if (o + 2 > len) return;
      o += 2 + (size_t)(read16(f + o) > 0 ? read16(f + o) : 0); /* rack, -1 when null */
    }
  }
  if (version < 1) return;
  if (version >= 2) {
    if (o + 2 > len) return;
    o += 2 + (size_t)(read16(f + o) > 0 ? read16(f + o) : 0); /* cluster id */
  }
  if (o + 4 > len || n == 0) return;
  for (int i = 0; i < n; i++)
    if (read32(f + o) == ids[i]) return;
  write32(f + o, ids[0]);
}

/* Moves every complete frame read from one side to the other side's output, noting or rewriting Metadata. */
static void forward_frames(struct connection *c, struct side *from, struct side *to, int is_request) {
  size_t done = 0;
  while (from->in.len - done >= 4 && from->in.len - done >= 4 + (size_t)read32(from->in.data + done)) {
    unsigned char *f = from->in.data + done;
    size_t size = 4 + (size_t)read32(f);
    if (is_request && size >= 12 && read16(f + 4) == METADATA_API_KEY && c->metadata_count < PENDING_METADATA) {
      c->metadata_ids[c->metadata_count] = read32(f + 8);
      c->metadata_versions[c->metadata_count++] = read16(f + 6);
    } else if (!is_request && size >= 8) {
      for (int i = 0; i < c->metadata_count; i++) {
        if (c->metadata_ids[i] != read32(f + 4)) continue;
        rewrite_metadata(f, size, c->metadata_versions[i]);
        c->metadata_ids[i] = c->metadata_ids[--c->metadata_count];
        c->metadata_versions[i] = c->metadata_versions[c->metadata_count];
        break;
      }
    }
    done += size;
  }
  /* The complete frames leave in one copy; an incomplete one stays until the rest of it arrives. */
  if (done == 0) return;
  append(&to->out, from->in.data, done);
  consume(&from->in, done);
}

static void close_connection(struct connection *c) {
  close(c->client.fd);
  close(c->upstream.fd);
  free(c->client.in.data), free(c->client.out.data), free(c->upstream.in.data), free(c->upstream.out.data);
  memset(c, 0, sizeof(*c));
}

/* Writes what a side has waiting; 0 when the socket failed. */
static int flush(struct side *d) {
  while (d->out.len > 0) {
    ssize_t n = send(d->fd, d->out.data, d->out.len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 1;
    if (n <= 0) return 0;
    consume(&d->out, (size_t)n);
  }
  return 1;
}

/* Reads what a side has for us and forwards its complete frames; 0 when it closed or failed. */
static int take(struct connection *c, struct side *from, struct side *to, int is_request) {
  unsigned char chunk[65536];
  for (;;) {
    ssize_t n = read(from->fd, chunk, sizeof(chunk));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    if (n <= 0) return 0;
    append(&from->in, chunk, (size_t)n);
    if ((size_t)n < sizeof(chunk)) break;
  }
  forward_frames(c, from, to, is_request);
  return flush(to);
}

static int nonblocking(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void accept_connection(int b) {
  int client = accept(brokers.listener[b], NULL, NULL);
  if (client < 0) return;
  int upstream = socket(AF_INET, SOCK_STREAM, 0);
  /* Connected while still blocking: the mock listens on this machine, so it answers at once. */
  if (upstream < 0 || connect(upstream, (struct sockaddr *)&brokers.upstream[b], sizeof(brokers.upstream[b])) < 0) {
    close(client);
    if (upstream >= 0) close(upstream);
    return;
  }
  for (int i = 0; i < MAX_CONNECTIONS; i++) {
    if (connections[i].used) continue;
    nonblocking(client), nonblocking(upstream);
    connections[i] = (struct connection){.used = 1, .client = {.fd = client}, .upstream = {.fd = upstream}};
    return;
  }
  fprintf(stderr, "mock-cluster proxy: more than %d connections, refusing one\n", MAX_CONNECTIONS);
  close(client), close(upstream);
}

/* Listens on an ephemeral port of 127.0.0.1 for each mock broker in `servers` ("host:port,..."). */
static int start_proxies(const char *servers, char *bootstrap, size_t size) {
  char *list = strdup(servers), *save = NULL;
  bootstrap[0] = '\0';
  for (char *server = strtok_r(list, ",", &save); server && brokers.count < MAX_BROKERS; server = strtok_r(NULL, ",", &save)) {
    char *colon = strrchr(server, ':');
    if (!colon) return free(list), -1;
    *colon = '\0';
    int b = brokers.count++;
    brokers.upstream[b] = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    brokers.upstream_port[b] = atoi(colon + 1);
    if (inet_pton(AF_INET, server, &brokers.upstream[b].sin_addr) != 1) return free(list), -1; /* the mock prints 127.0.0.1 */
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(local);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0 || listen(fd, 128) < 0 || getsockname(fd, (struct sockaddr *)&local, &len) < 0) return free(list), -1;
    brokers.listener[b] = fd;
    brokers.proxy_port[b] = ntohs(local.sin_port);
    snprintf(bootstrap + strlen(bootstrap), size - strlen(bootstrap), "%s127.0.0.1:%d", b ? "," : "", brokers.proxy_port[b]);
  }
  free(list);
  return 0;
}

int main(int argc, char **argv) {
  /* Blocked before librdkafka starts its threads, which inherit the mask: the signals can then
   * only be read from the signalfd below, instead of interrupting whichever thread they hit.
   * SIG_DFL first: an inherited SIG_IGN (shells give it to background jobs) discards them. */
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigprocmask(SIG_BLOCK, &stop, NULL);
  int signals = signalfd(-1, &stop, 0);

  int broker_cnt = 1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--topic") != 0) broker_cnt = atoi(argv[i]);
    else i++;

  /* The client is never used: it exists only because a mock cluster must belong to one.
   * log_level 4 keeps warnings but hides the notice that it has no bootstrap.servers. */
  char err[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "4", err, sizeof(err));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  rd_kafka_mock_cluster_t *mcluster = rk ? rd_kafka_mock_cluster_new(rk, broker_cnt) : NULL;
  if (!mcluster) return fprintf(stderr, "cannot create mock cluster: %s\n", rk ? "" : err), 1;

  /* Topics are created here because the mock does not implement the CreateTopics admin API. */
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--topic") != 0) continue;
    char *name = argv[++i], *colon = strrchr(name, ':');
    if (!colon || atoi(colon + 1) < 1) return fprintf(stderr, "--topic %s: expected name:partitions\n", name), 1;
    *colon = '\0';
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mcluster, name, atoi(colon + 1), 1);
    if (e) return fprintf(stderr, "cannot create topic %s: %s\n", name, rd_kafka_err2str(e)), 1;
  }

  char bootstrap[1024];
  if (start_proxies(rd_kafka_mock_cluster_bootstraps(mcluster), bootstrap, sizeof(bootstrap)) < 0)
    return fprintf(stderr, "cannot start the proxies for %s: %s\n", rd_kafka_mock_cluster_bootstraps(mcluster), strerror(errno)), 1;
  printf("BOOTSTRAP %s\n", bootstrap);
  fflush(stdout);

  /* fds: stdin, the signalfd, one listener per broker, then two per connection (client, upstream). */
  struct pollfd fds[2 + MAX_BROKERS + 2 * MAX_CONNECTIONS];
  int owner[2 * MAX_CONNECTIONS];
  char buf[256];
  for (;;) {
    int n = 0, c_count = 0;
    fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = signals, .events = POLLIN};
    for (int b = 0; b < brokers.count; b++) fds[n++] = (struct pollfd){.fd = brokers.listener[b], .events = POLLIN};
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      struct connection *c = &connections[i];
      if (!c->used) continue;
      fds[n++] = (struct pollfd){.fd = c->client.fd, .events = POLLIN | (c->client.out.len ? POLLOUT : 0)};
      fds[n++] = (struct pollfd){.fd = c->upstream.fd, .events = POLLIN | (c->upstream.out.len ? POLLOUT : 0)};
      owner[c_count++] = i;
    }
    int ready = poll(fds, (nfds_t)n, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || fds[1].revents) break;                                 /* SIGTERM, SIGINT */
    if (fds[0].revents && read(STDIN_FILENO, buf, sizeof(buf)) <= 0) break; /* EOF: parent gone */
    int first = 2 + brokers.count;
    for (int k = 0; k < c_count; k++) {
      struct connection *c = &connections[owner[k]];
      short client = fds[first + 2 * k].revents, upstream = fds[first + 2 * k + 1].revents;
      int alive = 1;
      if (client & POLLOUT) alive = flush(&c->client);
      if (alive && (upstream & POLLOUT)) alive = flush(&c->upstream);
      if (alive && (client & (POLLIN | POLLHUP | POLLERR))) alive = take(c, &c->client, &c->upstream, 1);
      if (alive && (upstream & (POLLIN | POLLHUP | POLLERR))) alive = take(c, &c->upstream, &c->client, 0);
      if (!alive) close_connection(c);
    }
    for (int b = 0; b < brokers.count; b++)
      if (fds[2 + b].revents & POLLIN) accept_connection(b);
  }

  rd_kafka_mock_cluster_destroy(mcluster);
  rd_kafka_destroy(rk);
  return 0;
}
