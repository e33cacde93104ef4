#!/bin/bash
# scale_conf.sh - writes the large keepalived.conf of the scale benchmark:
# by default 2,284 virtual servers and 37,294 real servers with TCP_CHECK
# (about 3.8 MB), the size at which keepalived users report trouble. The
# output depends only on the arguments, so two runs compare like with like.
#
# Usage: scale_conf.sh OUT [PARTS]
#   OUT    the config file to write
#   PARTS  when given (> 0), OUT holds global_defs and "include" lines and
#          the virtual servers go to PARTS files OUT.partN beside it
# Environment: VS (2284) and RS (37294) change the counts; the real servers
# are spread over the virtual servers as evenly as they divide; DELAY_LOOP
# (6) is every virtual server's delay_loop.
out=${1:?usage: scale_conf.sh OUT [PARTS]}
parts=${2:-0}
VS=${VS:-2284}
RS=${RS:-37294}
DELAY_LOOP=${DELAY_LOOP:-6}
awk -v vs="$VS" -v rs="$RS" -v delay="$DELAY_LOOP" -v parts="$parts" -v out="$out" '
function emit(s) { print s > file }
BEGIN {
	file = out
	emit("! scale benchmark: " vs " virtual servers, " rs " real servers (tests/bench/scale_conf.sh)")
	emit("global_defs {")
	emit("    router_id lvs_scale")
	emit("}")
	per = int(rs / vs); extra = rs % vs
	base = out; sub(".*/", "", base)
	for (p = 0; p < parts; p++)
		emit("include " base ".part" p)
	n = 0
	for (v = 0; v < vs; v++) {
		if (parts > 0) {
			p = int(v * parts / vs)
			file = out ".part" p
		}
		# virtual servers on 10.0.0.0/16, ports 80 and 443 alternating;
		# real servers from 172.16.0.0 on, port 8080
		a = int(v / 2)
		emit("virtual_server 10.0." int(a / 250) "." (1 + a % 250) " " (v % 2 ? 443 : 80) " {")
		emit("\tdelay_loop " delay)
		emit("\tlb_algo wrr")
		emit("\tlb_kind NAT")
		emit("\tpersistence_timeout 300")
		emit("\tprotocol TCP")
		count = per + (v < extra ? 1 : 0)
		for (r = 0; r < count; r++) {
			m = n + 1; a = 16 + int(m / 65536); b = int(m / 256) % 256; c = m % 256
			emit("\treal_server 172." a "." b "." c " 8080 {")
			emit("\t\tweight " (1 + n % 5))
			emit("\t\tTCP_CHECK {")
			emit("\t\t\tconnect_timeout 3")
			emit("\t\t\tretry 2")
			emit("\t\t}")
			emit("\t}")
			n++
		}
		emit("}")
	}
}'
