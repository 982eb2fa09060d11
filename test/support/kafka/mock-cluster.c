/*
 * A Kafka-protocol broker for the tests, without Docker or Java: librdkafka's mock cluster.
 * Usage: mock-cluster [broker_cnt] [--topic name:partitions]...
 * Prints "BOOTSTRAP <servers>" once, then serves until stdin reaches EOF (the parent died or
 * closed the pipe, so no broker outlives its test run) or SIGTERM/SIGINT arrives.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

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

  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
  fflush(stdout);

  struct pollfd fds[] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = signals, .events = POLLIN}};
  char buf[256];
  for (;;) {
    int ready = poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || fds[1].revents) break;                                 /* SIGTERM, SIGINT */
    if (fds[0].revents && read(STDIN_FILENO, buf, sizeof(buf)) <= 0) break; /* EOF: parent gone */
  }

  rd_kafka_mock_cluster_destroy(mcluster);
  rd_kafka_destroy(rk);
  return 0;
}
