#!/usr/bin/env bash
# bin/nsqd with a Prometheus-like scraper beside it: GET /metrics?clients=true once a second for as long as nsqd
# answers. For measuring what scraping costs: OURS=bench/scripts/nsqd-scraped.sh ../shared/bench/compare.sh, against
# the same run with OURS=bin/nsqd. The scraper counts its scrapes in $SCRAPE_LOG (default /tmp/nsqd-scrapes.log).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
http=127.0.0.1:4151
for a in "$@"; do
  case $a in --http-address=*) http=${a#--http-address=} ;; esac
done
log=${SCRAPE_LOG:-/tmp/nsqd-scrapes.log}
(
  for _ in $(seq 600); do curl -sf -o /dev/null "http://$http/ping" && break; sleep 0.1; done
  while curl -sf -o /dev/null "http://$http/metrics?clients=true"; do
    echo "$(date +%s) $http" >>"$log"
    sleep 1
  done
) &
exec "$here/bin/nsqd" "$@"
