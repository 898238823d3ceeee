#!/usr/bin/env bash
# Create the avhopp Kafka topics declared in topics.yaml, then exit.
#
# Runs as the one-shot kafka-init service of docker-compose.yml inside the
# apache/kafka image (bash, busybox awk and the Kafka CLI tools, no Python).
# Idempotent: existing topics are kept (--if-not-exists) and get their
# declared config re-applied; partition counts are never changed, because
# records are keyed by case id and a new partition count would move cases.
#
# Environment:
#   KAFKA_BOOTSTRAP_SERVERS  broker to talk to            (default kafka:9092)
#   TOPICS_FILE              the topic declarations       (default /deploy/kafka/topics.yaml)
#   KAFKA_BIN                directory of kafka-*.sh      (default /opt/kafka/bin)
#   KAFKA_WAIT_SECONDS       how long to wait for broker  (default 120)
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
TOPICS_FILE="${TOPICS_FILE:-/deploy/kafka/topics.yaml}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
WAIT_SECONDS="${KAFKA_WAIT_SECONDS:-120}"

die() {
    echo "create-topics: $*" >&2
    exit 1
}

# Print one line per topic: name<TAB>partitions<TAB>replication<TAB>k=v,k=v
# topics.yaml keeps to a plain block style (one "key: value" per line) so that
# this POSIX awk can read it; tests/test_compose_stack.py checks that the
# result equals what a YAML parser reads from the same file.
parse_topics() {
    awk '
    function value(line) {
        sub(/^[^:]*:[ \t]*/, "", line)
        sub(/[ \t]+#.*$/, "", line)
        gsub(/^"|"$/, "", line)
        return line
    }
    function flush() {
        if (name != "") {
            if (partitions !~ /^[0-9]+$/ || replication !~ /^[0-9]+$/) {
                printf "topic %s: partitions and replication_factor must be integers\n", name > "/dev/stderr"
                failed = 1
            }
            print name "\t" partitions "\t" replication "\t" configs
        }
        name = ""; partitions = ""; replication = ""; configs = ""; in_config = 0
    }
    /^[ \t]*(#.*)?$/ { next }
    {
        match($0, /^ */)
        indent = RLENGTH
    }
    in_config && indent <= config_indent { in_config = 0 }
    in_config {
        key = $0
        sub(/^[ \t]*/, "", key)
        sub(/:.*$/, "", key)
        configs = configs (configs == "" ? "" : ",") key "=" value($0)
        next
    }
    /^[ \t]*- name:/           { flush(); name = value($0); next }
    /^[ \t]*partitions:/       { partitions = value($0); next }
    /^[ \t]*replication_factor:/ { replication = value($0); next }
    /^[ \t]*config:[ \t]*$/    { in_config = 1; config_indent = indent; next }
    END {
        flush()
        if (failed) exit 1
    }
    ' "$TOPICS_FILE"
}

wait_for_broker() {
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            die "broker $BOOTSTRAP not reachable after ${WAIT_SECONDS}s"
        fi
        sleep 2
    done
}

main() {
    [[ -r "$TOPICS_FILE" ]] || die "cannot read $TOPICS_FILE"
    local specs
    specs="$(parse_topics)" || die "cannot parse $TOPICS_FILE"
    [[ -n "$specs" ]] || die "no topics declared in $TOPICS_FILE"

    wait_for_broker

    local name partitions replication configs pair
    local -a args pairs
    while IFS=$'\t' read -r name partitions replication configs <&3; do
        args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists
            --topic "$name" --partitions "$partitions" --replication-factor "$replication")
        pairs=()
        if [[ -n "$configs" ]]; then
            IFS=',' read -r -a pairs <<<"$configs"
        fi
        for pair in "${pairs[@]}"; do
            args+=(--config "$pair")
        done
        echo "create-topics: $name (partitions=$partitions, replication=$replication, ${configs:-no config})"
        "$KAFKA_BIN/kafka-topics.sh" "${args[@]}"
        if [[ -n "$configs" ]]; then
            "$KAFKA_BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter \
                --entity-type topics --entity-name "$name" --add-config "$configs"
        fi
    done 3<<<"$specs"

    "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --describe
}

main "$@"
