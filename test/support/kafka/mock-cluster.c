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
 *
 * The proxy's second job: the mock answers a Fetch with at most one record batch per partition ("FIXME:
 * Multiple messageSets ?" in rdkafka_mock_handlers.c), where Kafka returns every batch from the fetch offset up
 * to the request's byte limits. A consumer behind the mock therefore gets one producer request's records per
 * fetch, however far behind it is, and the code under test handles them in batches no real broker would
 * make it use. When a Fetch response leaves records below a partition's high watermark, the proxy asks the
 * mock again from the next offset (MaxWait 0, only those partitions), up to MAX_FETCH_ROUNDS times or the
 * request's limits, and answers the client once, with the batches concatenated, as Kafka would.
 *
 * Its third: the mock holds a fetch that finds nothing for the request's whole MaxWait, even when a record
 * arrives meanwhile ("we should cut the wait short ... too much of a hassle here"), and ignores MinBytes. The
 * proxy asks the mock with MaxWait 0 and parks an answer holding fewer record bytes than MinBytes (at least
 * 1) instead; when the mock acknowledges a Produce (on any connection) it asks again for every parked fetch,
 * from the request's own offsets, and when MaxWait ends it gives the client the answer it has, as Kafka does.
 *
 * Its fourth: the mock completes a group's sync as soon as the leader's SyncGroup has set every member's
 * assignment, and answers a follower whose SyncGroup arrives after that INVALID_REQUEST (the group is no longer
 * syncing), which kafkajs takes as fatal: a second consumer in a group dies on joining whenever it is slower
 * than the leader. Kafka answers it with its assignment. The proxy keeps the assignments of each group's last
 * leader SyncGroup and answers such a follower as Kafka would, with its own for that generation.
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
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_BROKERS 16
#define MAX_CONNECTIONS 256
#define METADATA_API_KEY 3
/* Metadata v9 and later use compact (flexible) encodings; kafkajs 2 asks for v6 at most. */
#define FIRST_FLEXIBLE_METADATA_VERSION 9
#define PENDING_METADATA 64
#define PRODUCE_API_KEY 0
#define SYNC_GROUP_API_KEY 14
/* SyncGroup v1-v3 (v4 is flexible): what kafkajs 2 asks for. */
#define LAST_MENDED_SYNC_GROUP_VERSION 3
#define INVALID_REQUEST 42
#define PENDING_SYNCS 8
#define MAX_GROUPS 64
#define MAX_GROUP_MEMBERS 16
#define MAX_NAME 256
#define FETCH_API_KEY 1
#define PENDING_PRODUCES 64
/* Fetch v4 adds the fields a partition's answer is parsed by (last stable offset, aborted transactions);
 * v12 is flexible. kafkajs 2 asks for v11. Other versions pass through as the mock answers them. */
#define FIRST_ASSEMBLED_FETCH_VERSION 4
#define LAST_ASSEMBLED_FETCH_VERSION 11
#define PENDING_FETCHES 16
/* Each round is a walk of the mock's log (rd_kafka_mock_msgset_find) and a round trip: enough rounds to hand
 * a lagging consumer a few hundred records, few enough that one fetch does not hold up its consumer. */
#define MAX_FETCH_ROUNDS 16
#define MAX_FETCH_TOPICS 8
#define MAX_FETCH_PARTITIONS 128
/* A partition's answer between its index and its records: error, offsets, aborted transactions, replica. */
#define MAX_PARTITION_STATE 128

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

/* What the proxy needs from a client's Fetch request to ask again for more: its limits and header. */
struct fetch_request {
  int32_t id, max_bytes, partition_max_bytes, max_wait, min_bytes;
  int64_t deadline_ms; /* when its MaxWait ends */
  int16_t version;
  int8_t isolation;
  unsigned char client_id[258]; /* int16 length and the string, as the request carried it */
  size_t client_id_len;
  struct buffer frame; /* the request as sent to the mock (MaxWait 0), to send again while it is parked */
};

/* A fetch whose answer fell short of its MinBytes: asked again after each Produce, answered with what it has
 * when its MaxWait ends. */
struct parked_fetch {
  int active, asking; /* asking: sent to the mock again, answer awaited */
  int woken; /* a Produce was acknowledged while asking: the answer may miss its records */
  struct fetch_request request;
  struct buffer answer;
};

struct fetch_partition {
  int topic; /* index into the assembly's topics */
  int32_t index;
  int64_t high_watermark, next_offset;
  unsigned char state[MAX_PARTITION_STATE];
  size_t state_len;
  struct buffer records;
  int more;
};

/* A Fetch response being completed from the mock's answers to the proxy's own requests. */
struct fetch_assembly {
  struct fetch_request request;
  int32_t round_id; /* correlation id of the proxy's request in flight */
  int rounds;
  unsigned char header[16]; /* correlation id, throttle time, error code, session id */
  size_t header_len;
  int topic_count, partition_count;
  unsigned char topics[MAX_FETCH_TOPICS][258]; /* int16 length and the name */
  struct fetch_partition partitions[MAX_FETCH_PARTITIONS];
};

/* A Kafka string (int16 length, then the bytes) copied out of a frame. */
struct name {
  size_t len;
  unsigned char bytes[MAX_NAME];
};

/* A follower's SyncGroup in flight: what to look its assignment up by if the mock refuses it. */
struct pending_sync {
  int32_t id, generation;
  struct name group, member;
};

/* The assignments a group's leader handed out in its last SyncGroup. */
struct group_sync {
  struct name group;
  int32_t generation;
  int member_count;
  struct name members[MAX_GROUP_MEMBERS];
  struct buffer assignments[MAX_GROUP_MEMBERS];
};

struct connection {
  int used;
  struct pending_sync syncs[PENDING_SYNCS]; /* follower SyncGroup requests in flight */
  int sync_count;
  struct side client, upstream;
  int32_t metadata_ids[PENDING_METADATA]; /* correlation ids of Metadata requests in flight */
  int16_t metadata_versions[PENDING_METADATA];
  int metadata_count;
  struct fetch_request fetches[PENDING_FETCHES]; /* Fetch requests in flight */
  int fetch_count;
  struct fetch_assembly *assembly;
  struct parked_fetch parked;
  int32_t produce_ids[PENDING_PRODUCES]; /* correlation ids of Produce requests in flight */
  int produce_count;
  /* Responses that arrived while a Fetch response was completed or parked: clients get them in request order. */
  struct buffer held;
  uint32_t rounds_asked;
};

static struct {
  int count;
  int listener[MAX_BROKERS];
  struct sockaddr_in upstream[MAX_BROKERS];
  int upstream_port[MAX_BROKERS], proxy_port[MAX_BROKERS];
} brokers;
static struct connection connections[MAX_CONNECTIONS];
static struct group_sync group_syncs[MAX_GROUPS];

static int32_t read32(const unsigned char *p) { return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); }
static int16_t read16(const unsigned char *p) { return (int16_t)(p[0] << 8 | p[1]); }
static int64_t read64(const unsigned char *p) { return (int64_t)((uint64_t)(uint32_t)read32(p) << 32 | (uint32_t)read32(p + 4)); }
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

static void put16(struct buffer *b, int16_t v) { unsigned char p[2] = {(uint16_t)v >> 8, (uint8_t)v}; append(b, p, 2); }
static void put32(struct buffer *b, int32_t v) { unsigned char p[4]; write32(p, v); append(b, p, 4); }
static void put64(struct buffer *b, int64_t v) { put32(b, (int32_t)(v >> 32)), put32(b, (int32_t)v); }

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A protocol string (int16 length, then its bytes; -1 for null): the bytes it takes. */
static size_t string_size(const unsigned char *p) { return 2 + (size_t)(read16(p) > 0 ? read16(p) : 0); }

/* Notes what a Fetch request asks for; 0 when its response is to pass through as the mock gives it. */
static int parse_fetch_request(const unsigned char *f, size_t len, struct fetch_request *r) {
  if (len < 14) return 0;
  r->version = read16(f + 6);
  r->id = read32(f + 8);
  r->client_id_len = string_size(f + 12);
  size_t o = 12 + r->client_id_len;
  if (r->version < FIRST_ASSEMBLED_FETCH_VERSION || r->version > LAST_ASSEMBLED_FETCH_VERSION) return 0;
  if (r->client_id_len > sizeof(r->client_id) || o + 17 > len) return 0;
  memcpy(r->client_id, f + 12, r->client_id_len);
  r->max_wait = read32(f + o + 4); /* after replica id */
  r->min_bytes = read32(f + o + 8);
  r->max_bytes = read32(f + o + 12); /* after max wait, min bytes */
  r->isolation = (int8_t)f[o + 16];
  o += 17 + (r->version >= 7 ? 8 : 0); /* session id and epoch */
  if (o + 6 > len || read32(f + o) < 1) return 0;
  o += 4 + string_size(f + o + 4) + 4;                                         /* topic count, name, partition count */
  o += 4 + (r->version >= 9 ? 4 : 0) + 8 + (r->version >= 5 ? 8 : 0); /* partition, leader epoch, offset, log start */
  if (o + 4 > len) return 0;
  r->partition_max_bytes = read32(f + o); /* kafkajs asks the same of every partition */
  return r->max_bytes > 0 && r->partition_max_bytes > 0;
}

/* The offset after the last complete record batch (magic 2) in `records`; -1 when there is none. */
static int64_t offset_after(const unsigned char *records, size_t len) {
  int64_t next = -1;
  for (size_t o = 0; o + 27 <= len;) {
    size_t size = 12 + (size_t)(uint32_t)read32(records + o + 8); /* base offset, batch length */
    if (o + size > len || records[o + 16] != 2) break;
    next = read64(records + o) + read32(records + o + 23) + 1; /* base offset + last offset delta + 1 */
    o += size;
  }
  return next;
}

/* A Fetch response's bytes before its topics, after the size: correlation id, throttle time, error, session. */
static size_t answer_header_size(int16_t version) { return 4 + (version >= 1 ? 4 : 0) + (version >= 7 ? 6 : 0); }

/* Whether a Fetch response (v7 and later) reports an error for the whole request. */
static int whole_request_error(int16_t version, const unsigned char *f, size_t size) { return version >= 7 && size >= 14 && read16(f + 12) != 0; }

struct partition_answer {
  const unsigned char *topic, *state, *records;
  size_t state_len;
  int32_t index, records_len;
  int16_t error;
  int64_t high_watermark;
};

/* Calls `take` on each partition of a Fetch response frame (v4-v11); 0 when it is malformed or `take` refuses. */
static int each_answer(const unsigned char *f, size_t len, int16_t version, void *a, int (*take)(void *, const struct partition_answer *)) {
  size_t o = 4 + answer_header_size(version);
  if (o + 4 > len) return 0;
  int32_t topics = read32(f + o);
  o += 4;
  for (int32_t t = 0; t < topics; t++) {
    struct partition_answer p = {.topic = f + o};
    if (o + 2 > len) return 0;
    o += string_size(f + o);
    if (o + 4 > len) return 0;
    int32_t partitions = read32(f + o);
    o += 4;
    for (int32_t i = 0; i < partitions; i++) {
      size_t s = 2 + 8 + 8 + (version >= 5 ? 8 : 0); /* error, high watermark, last stable offset, log start */
      if (o + 4 + s + 4 > len) return 0;
      p.index = read32(f + o);
      p.state = f + o + 4;
      p.error = read16(p.state);
      p.high_watermark = read64(p.state + 2);
      int32_t aborted = read32(p.state + s);
      s += 4 + (size_t)(aborted > 0 ? aborted : 0) * 16 + (version >= 11 ? 4 : 0); /* preferred read replica */
      if (o + 4 + s + 4 > len) return 0;
      p.state_len = s;
      p.records_len = read32(p.state + s);
      p.records = p.state + s + 4;
      o += 4 + s + 4 + (size_t)(p.records_len > 0 ? p.records_len : 0);
      if (o > len || !take(a, &p)) return 0;
    }
  }
  return 1;
}

static size_t assembled_bytes(const struct fetch_assembly *a) {
  size_t total = 0;
  for (int i = 0; i < a->partition_count; i++) total += a->partitions[i].records.len;
  return total;
}

static void note_progress(struct fetch_assembly *a, struct fetch_partition *p, const struct partition_answer *answer) {
  memcpy(p->state, answer->state, answer->state_len);
  p->state_len = answer->state_len;
  p->high_watermark = answer->high_watermark;
  p->more = 0;
  if (answer->error != 0 || answer->records_len <= 0) return;
  int64_t next = offset_after(answer->records, (size_t)answer->records_len);
  /* The first answer's records go to the client whatever they hold; a later one's only if they move it on. */
  if (p->records.len > 0 && next <= p->next_offset) return;
  append(&p->records, answer->records, (size_t)answer->records_len);
  p->next_offset = next;
  p->more = next >= 0 && next < p->high_watermark && p->records.len < (size_t)a->request.partition_max_bytes;
}

/* Takes a partition of the mock's first answer into the assembly. */
static int add_partition(void *assembly, const struct partition_answer *answer) {
  struct fetch_assembly *a = assembly;
  size_t name = string_size(answer->topic);
  if (a->partition_count == MAX_FETCH_PARTITIONS || answer->state_len > MAX_PARTITION_STATE || name > sizeof(a->topics[0])) return 0;
  int t = a->topic_count - 1;
  if (t < 0 || memcmp(a->topics[t], answer->topic, name) != 0) {
    if (a->topic_count == MAX_FETCH_TOPICS) return 0;
    memcpy(a->topics[t = a->topic_count++], answer->topic, name);
  }
  struct fetch_partition *p = &a->partitions[a->partition_count++];
  *p = (struct fetch_partition){.topic = t, .index = answer->index, .next_offset = -1};
  note_progress(a, p, answer);
  return 1;
}

/* Adds the records of a later answer to the partition they continue. */
static int extend_partition(void *assembly, const struct partition_answer *answer) {
  struct fetch_assembly *a = assembly;
  size_t name = string_size(answer->topic);
  for (int i = 0; i < a->partition_count; i++) {
    struct fetch_partition *p = &a->partitions[i];
    if (p->index != answer->index || memcmp(a->topics[p->topic], answer->topic, name) != 0) continue;
    /* An error here (the log moved on, say) keeps what the client has been given so far. */
    if (answer->error == 0 && answer->state_len <= MAX_PARTITION_STATE) note_progress(a, p, answer);
    else p->more = 0;
  }
  return 1;
}

static int wants_more(const struct fetch_assembly *a) {
  if (a->rounds >= MAX_FETCH_ROUNDS || assembled_bytes(a) >= (size_t)a->request.max_bytes) return 0;
  for (int i = 0; i < a->partition_count; i++)
    if (a->partitions[i].more) return 1;
  return 0;
}

/* Asks the mock for the next batch of every partition that has more, in the client's Fetch version. */
static void ask_for_more(struct connection *c) {
  struct fetch_assembly *a = c->assembly;
  const struct fetch_request *r = &a->request;
  struct buffer *b = &c->upstream.out;
  size_t start = b->len;
  a->round_id = (int32_t)(0x80000000u | c->rounds_asked++); /* kafkajs' own ids are never negative */
  put32(b, 0), put16(b, FETCH_API_KEY), put16(b, r->version), put32(b, a->round_id);
  append(b, r->client_id, r->client_id_len);
  put32(b, -1), put32(b, 0), put32(b, 0); /* replica id; max wait and min bytes: answer at once */
  put32(b, r->max_bytes - (int32_t)assembled_bytes(a));
  append(b, (const unsigned char *)&r->isolation, 1);
  if (r->version >= 7) put32(b, 0), put32(b, -1); /* no fetch session */
  size_t topics_at = b->len;
  int32_t topics = 0;
  put32(b, 0);
  for (int t = 0; t < a->topic_count; t++) {
    size_t count_at = 0;
    int32_t count = 0;
    for (int i = 0; i < a->partition_count; i++) {
      const struct fetch_partition *p = &a->partitions[i];
      if (p->topic != t || !p->more) continue;
      if (count++ == 0) append(b, a->topics[t], string_size(a->topics[t])), count_at = b->len, put32(b, 0), topics++;
      put32(b, p->index);
      if (r->version >= 9) put32(b, -1); /* current leader epoch: unknown */
      put64(b, p->next_offset);
      if (r->version >= 5) put64(b, -1); /* log start offset: a consumer's, not known here */
      put32(b, r->partition_max_bytes - (int32_t)p->records.len);
    }
    if (count) write32(b->data + count_at, count);
  }
  write32(b->data + topics_at, topics);
  if (r->version >= 7) put32(b, 0); /* forgotten topics */
  if (r->version >= 11) put16(b, 0); /* rack id: "" */
  write32(b->data + start, (int32_t)(b->len - start - 4));
}

/* Frees the assembly; the request (its frame) lives on in whoever took it. */
static void free_assembly(struct connection *c) {
  if (!c->assembly) return;
  for (int i = 0; i < c->assembly->partition_count; i++) free(c->assembly->partitions[i].records.data);
  free(c->assembly);
  c->assembly = NULL;
}

static void settle_fetch(struct connection *c, struct fetch_request *r, const unsigned char *f, size_t size, int all_read);

/* Settles one Fetch response: the mock's first answer with every later batch after its own. */
static void finish_assembly(struct connection *c) {
  const struct fetch_assembly *a = c->assembly;
  struct buffer answer = {0}, *b = &answer;
  size_t start = b->len;
  int all_read = 1;
  put32(b, 0);
  append(b, a->header, a->header_len);
  put32(b, a->topic_count);
  for (int t = 0; t < a->topic_count; t++) {
    int32_t count = 0;
    for (int i = 0; i < a->partition_count; i++) count += a->partitions[i].topic == t;
    append(b, a->topics[t], string_size(a->topics[t]));
    put32(b, count);
    for (int i = 0; i < a->partition_count; i++) {
      const struct fetch_partition *p = &a->partitions[i];
      if (p->topic != t) continue;
      put32(b, p->index);
      append(b, p->state, p->state_len);
      put32(b, (int32_t)p->records.len);
      if (p->records.len) append(b, p->records.data, p->records.len);
      all_read &= !p->more;
    }
  }
  write32(b->data + start, (int32_t)(b->len - start - 4));
  struct fetch_request request = a->request;
  free_assembly(c);
  settle_fetch(c, &request, answer.data, answer.len, all_read);
  free(answer.data);
}

/* Starts completing a Fetch response that leaves records behind; 0 when it is to pass through as it is. */
static int start_assembly(struct connection *c, const struct fetch_request *r, const unsigned char *f, size_t size) {
  size_t header = answer_header_size(r->version);
  if (size < 4 + header || whole_request_error(r->version, f, size)) return 0;
  if (!(c->assembly = calloc(1, sizeof(*c->assembly)))) return 0;
  c->assembly->request = *r;
  c->assembly->header_len = header;
  memcpy(c->assembly->header, f + 4, header);
  if (each_answer(f, size, r->version, c->assembly, add_partition) && wants_more(c->assembly)) return ask_for_more(c), 1;
  free_assembly(c);
  return 0;
}

static void respond(struct connection *c, const unsigned char *f, size_t size);

/* Responses held behind a Fetch response (completed or parked) go out now, in order; one may be held again. */
static void release_held(struct connection *c) {
  struct buffer held = c->held;
  c->held = (struct buffer){0};
  for (size_t o = 0; o < held.len; o += 4 + (size_t)read32(held.data + o)) respond(c, held.data + o, 4 + (size_t)read32(held.data + o));
  free(held.data);
}

static void continue_assembly(struct connection *c, const unsigned char *f, size_t size) {
  struct fetch_assembly *a = c->assembly;
  a->rounds++;
  if (!each_answer(f, size, a->request.version, a, extend_partition))
    for (int i = 0; i < a->partition_count; i++) a->partitions[i].more = 0;
  if (wants_more(a)) return ask_for_more(c);
  finish_assembly(c);
}

/* Adds up a Fetch answer's record bytes; refuses a partition with an error, whose answer goes out at once. */
static int count_bytes(void *bytes, const struct partition_answer *p) {
  if (p->error != 0) return 0;
  *(int64_t *)bytes += p->records_len > 0 ? p->records_len : 0;
  return 1;
}

/* Whether a Fetch answer holds fewer record bytes than the request's MinBytes (at least 1, at most MaxBytes)
 * and no errors: one Kafka would have held until more arrived or MaxWait ended. */
static int falls_short(const struct fetch_request *r, const unsigned char *f, size_t size) {
  int64_t bytes = 0, min = r->min_bytes < r->max_bytes ? r->min_bytes : r->max_bytes;
  if (min < 1) min = 1;
  if (whole_request_error(r->version, f, size)) return 0;
  return each_answer(f, size, r->version, &bytes, count_bytes) && bytes < min;
}

static void unpark(struct connection *c) {
  free(c->parked.request.frame.data);
  free(c->parked.answer.data);
  memset(&c->parked, 0, sizeof(c->parked));
}

/* Sends a parked fetch to the mock again; the answer comes back to settle_fetch. */
static void ask_again(struct connection *c) {
  struct parked_fetch *p = &c->parked;
  if (p->asking || c->fetch_count == PENDING_FETCHES) return;
  append(&c->upstream.out, p->request.frame.data, p->request.frame.len);
  c->fetches[c->fetch_count++] = p->request;
  p->request.frame = (struct buffer){0};
  p->asking = 1;
  p->woken = 0;
}

static void park(struct connection *c, const struct fetch_request *r, const unsigned char *f, size_t size) {
  int woken = c->parked.woken;
  unpark(c);
  c->parked = (struct parked_fetch){.active = 1, .request = *r};
  append(&c->parked.answer, f, size);
  if (woken) ask_again(c);
}

/* A Produce was acknowledged: every parked fetch asks the mock again, since the records may be its. */
static void wake_parked(void) {
  for (int i = 0; i < MAX_CONNECTIONS; i++) {
    struct connection *c = &connections[i];
    if (!c->used || !c->parked.active) continue;
    if (c->parked.asking) c->parked.woken = 1;
    else ask_again(c);
  }
}

/* Milliseconds until the first parked fetch's MaxWait ends, for poll; -1 when none waits. */
static int parked_timeout(void) {
  int64_t now = now_ms(), next = -1;
  for (int i = 0; i < MAX_CONNECTIONS; i++) {
    const struct parked_fetch *p = &connections[i].parked;
    if (!connections[i].used || !p->active || p->asking) continue;
    int64_t left = p->request.deadline_ms > now ? p->request.deadline_ms - now : 0;
    if (next < 0 || left < next) next = left;
  }
  return (int)next;
}

/* Parked fetches whose MaxWait ended get the answer they have, and what was held behind them follows. */
static void expire_parked(void) {
  int64_t now = now_ms();
  for (int i = 0; i < MAX_CONNECTIONS; i++) {
    struct connection *c = &connections[i];
    if (!c->used || !c->parked.active || c->parked.asking || c->parked.request.deadline_ms > now) continue;
    append(&c->client.out, c->parked.answer.data, c->parked.answer.len);
    unpark(c);
    release_held(c);
  }
}

/* A whole Fetch answer: parked while it falls short of MinBytes within MaxWait, unless records were left
 * unread (the rounds ran out), else sent on with what was held behind it. A parked fetch is the only one
 * answered while it is parked, so one parked here is the fetch asked again. */
static void settle_fetch(struct connection *c, struct fetch_request *r, const unsigned char *f, size_t size, int all_read) {
  if (all_read && r->max_wait > 0 && r->deadline_ms > now_ms() && falls_short(r, f, size)) return park(c, r, f, size);
  free(r->frame.data);
  r->frame = (struct buffer){0};
  if (c->parked.active) unpark(c);
  append(&c->client.out, f, size);
  release_held(c);
}

/* A Fetch response from the mock: completed from further answers when it leaves records behind, then settled. */
static void answer_fetch(struct connection *c, struct fetch_request *r, const unsigned char *f, size_t size) {
  if (!start_assembly(c, r, f, size)) settle_fetch(c, r, f, size, 1);
}

/* Copies the string at p (within end) into n; the offset after it, or 0 when it does not fit. */
static size_t read_name(const unsigned char *p, const unsigned char *end, struct name *n) {
  if (p + 2 > end) return 0;
  int16_t len = read16(p);
  n->len = len > 0 ? (size_t)len : 0;
  if (n->len >= MAX_NAME || p + 2 + n->len > end) return 0;
  memcpy(n->bytes, p + 2, n->len);
  return 2 + n->len;
}

static int same_name(const struct name *a, const struct name *b) { return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0; }

static struct group_sync *group_sync_of(const struct name *group, int create) {
  for (int i = 0; i < MAX_GROUPS; i++) if (group_syncs[i].group.len && same_name(&group_syncs[i].group, group)) return &group_syncs[i];
  if (!create) return NULL;
  for (int i = 0; i < MAX_GROUPS; i++) if (!group_syncs[i].group.len) return group_syncs[i].group = *group, &group_syncs[i];
  return NULL;
}

/* A SyncGroup request: a leader's assignments are kept, a follower's request is noted to mend its answer. */
static void note_sync(struct connection *c, const unsigned char *f, size_t size, size_t client_id_size) {
  const unsigned char *end = f + size, *p = f + 12 + client_id_size;
  int16_t version = read16(f + 6);
  struct pending_sync sync = {.id = read32(f + 8)};
  size_t n;
  if (version < 1 || version > LAST_MENDED_SYNC_GROUP_VERSION || !(n = read_name(p, end, &sync.group)) || p + n + 4 > end) return;
  p += n, sync.generation = read32(p), p += 4;
  if (!(n = read_name(p, end, &sync.member))) return;
  p += n;
  if (version >= 3) {
    struct name instance;
    if (!(n = read_name(p, end, &instance))) return;
    p += n;
  }
  if (p + 4 > end) return;
  int32_t count = read32(p);
  p += 4;
  if (count <= 0) {
    if (c->sync_count < PENDING_SYNCS) c->syncs[c->sync_count++] = sync;
    return;
  }
  struct group_sync *g = group_sync_of(&sync.group, 1);
  if (!g || count > MAX_GROUP_MEMBERS) return;
  g->generation = sync.generation, g->member_count = 0;
  for (int i = 0; i < count; i++) {
    struct buffer *a = &g->assignments[i];
    if (!(n = read_name(p, end, &g->members[i])) || p + n + 4 > end) return;
    p += n;
    int32_t len = read32(p);
    if (len < 0 || p + 4 + len > end) return;
    a->len = 0, append(a, p + 4, (size_t)len), p += 4 + len;
    g->member_count = i + 1;
  }
}

/* A follower's SyncGroup answer: INVALID_REQUEST becomes its assignment from the leader's SyncGroup of the same
 * generation, as Kafka answers. 1 when it was answered here. */
static int mend_sync(struct connection *c, const unsigned char *f, size_t size) {
  int32_t id = read32(f + 4);
  for (int i = 0; i < c->sync_count; i++) {
    if (c->syncs[i].id != id) continue;
    struct pending_sync sync = c->syncs[i];
    c->syncs[i] = c->syncs[--c->sync_count];
    if (size < 14 || read16(f + 12) != INVALID_REQUEST) return 0;
    struct group_sync *g = group_sync_of(&sync.group, 0);
    if (!g || g->generation != sync.generation) return 0;
    for (int m = 0; m < g->member_count; m++) {
      if (!same_name(&g->members[m], &sync.member)) continue;
      size_t body = 4 + 4 + 2 + 4 + g->assignments[m].len;
      put32(&c->client.out, (int32_t)body), put32(&c->client.out, id), put32(&c->client.out, 0), put16(&c->client.out, 0);
      put32(&c->client.out, (int32_t)g->assignments[m].len);
      append(&c->client.out, g->assignments[m].data, g->assignments[m].len);
      return 1;
    }
    return 0;
  }
  return 0;
}

/* Sends a response frame from the mock on to the client: Metadata rewritten, a Fetch response completed or
 * parked; a Produce acknowledged wakes the parked fetches. */
static void respond(struct connection *c, const unsigned char *f, size_t size) {
  int32_t id = read32(f + 4);
  if (c->assembly && id == c->assembly->round_id) return continue_assembly(c, f, size);
  int asked_again = c->parked.active && c->parked.asking && id == c->parked.request.id;
  if ((c->assembly || c->parked.active) && !asked_again) return append(&c->held, f, size);
  for (int i = 0; i < c->metadata_count; i++) {
    if (c->metadata_ids[i] != id) continue;
    rewrite_metadata((unsigned char *)f, size, c->metadata_versions[i]);
    c->metadata_ids[i] = c->metadata_ids[--c->metadata_count];
    c->metadata_versions[i] = c->metadata_versions[c->metadata_count];
    break;
  }
  if (c->sync_count && mend_sync(c, f, size)) return;
  for (int i = 0; i < c->produce_count; i++) {
    if (c->produce_ids[i] != id) continue;
    c->produce_ids[i] = c->produce_ids[--c->produce_count];
    wake_parked();
    break;
  }
  for (int i = 0; i < c->fetch_count; i++) {
    if (c->fetches[i].id != id) continue;
    struct fetch_request request = c->fetches[i];
    c->fetches[i] = c->fetches[--c->fetch_count];
    return answer_fetch(c, &request, f, size);
  }
  append(&c->client.out, f, size);
}

/* A Produce request's acks (v0-v8); 0 (no answer to wait for) when it cannot be read. */
static int16_t produce_acks(const unsigned char *f, size_t size) {
  int16_t version = read16(f + 6);
  size_t o = 12 + string_size(f + 12);
  if (version >= 9 || o + 2 > size) return 0;
  if (version >= 3) o += string_size(f + o); /* transactional id */
  return o + 2 <= size ? read16(f + o) : 0;
}

/* Notes the requests whose responses the proxy acts on: Metadata, Produce, SyncGroup and (assembled versions of) Fetch,
 * whose MaxWait becomes 0: the proxy does the waiting. */
static void note_request(struct connection *c, unsigned char *f, size_t size) {
  if (size < 14) return;
  int16_t key = read16(f + 4);
  if (key == METADATA_API_KEY && c->metadata_count < PENDING_METADATA) {
    c->metadata_ids[c->metadata_count] = read32(f + 8);
    c->metadata_versions[c->metadata_count++] = read16(f + 6);
  } else if (key == SYNC_GROUP_API_KEY) {
    note_sync(c, f, size, string_size(f + 12));
  } else if (key == PRODUCE_API_KEY && c->produce_count < PENDING_PRODUCES && produce_acks(f, size) != 0) {
    c->produce_ids[c->produce_count++] = read32(f + 8);
  } else if (key == FETCH_API_KEY && c->fetch_count < PENDING_FETCHES && parse_fetch_request(f, size, &c->fetches[c->fetch_count])) {
    struct fetch_request *r = &c->fetches[c->fetch_count++];
    r->deadline_ms = now_ms() + r->max_wait;
    write32(f + 12 + r->client_id_len + 4, 0);
    r->frame = (struct buffer){0};
    append(&r->frame, f, size);
  }
}

/* Moves every complete frame read from one side on: requests to the mock as they are, responses by `respond`. */
static void forward_frames(struct connection *c, struct side *from, struct side *to, int is_request) {
  size_t done = 0;
  while (from->in.len - done >= 4 && from->in.len - done >= 4 + (size_t)read32(from->in.data + done)) {
    unsigned char *f = from->in.data + done;
    size_t size = 4 + (size_t)read32(f);
    if (is_request) note_request(c, f, size), append(&to->out, f, size);
    else if (size >= 8) respond(c, f, size);
    done += size;
  }
  /* An incomplete frame stays until the rest of it arrives. */
  consume(&from->in, done);
}

static void close_connection(struct connection *c) {
  close(c->client.fd);
  close(c->upstream.fd);
  free(c->client.in.data), free(c->client.out.data), free(c->upstream.in.data), free(c->upstream.out.data);
  free(c->held.data);
  if (c->assembly) free(c->assembly->request.frame.data);
  free_assembly(c);
  unpark(c);
  for (int i = 0; i < c->fetch_count; i++) free(c->fetches[i].frame.data);
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
  return flush(to) && flush(from); /* a response may have made the proxy ask the mock for more */
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
    int ready = poll(fds, (nfds_t)n, parked_timeout());
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
    expire_parked();
  }

  rd_kafka_mock_cluster_destroy(mcluster);
  rd_kafka_destroy(rk);
  return 0;
}
