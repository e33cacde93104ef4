#!/bin/bash
# Fuzz suite: each tests/fuzz/fuzz_*.c is a libFuzzer harness linked with the
# in-tree core/ and the applets (not main.c). Each runs FUZZ_SECONDS (default
# 6, which keeps the 23 harnesses inside CI's time; run longer by hand after
# changing a parser) from its seed corpus tests/fuzz/corpus/<name>/; a crash,
# leak or sanitizer report fails it, and the reproducer is left in build/fuzz/.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
toolchain/deps.sh fuzz dev || die_suite "fuzz: cannot install clang"
seconds=${FUZZ_SECONDS:-6}
out=build/fuzz
mkdir -p "$out"
srcs=$(core_sources)
includes=$(core_includes)
shopt -s nullglob
harnesses=(tests/fuzz/fuzz_*.c)
[ ${#harnesses[@]} -gt 0 ] || die_suite "fuzz: no harnesses"
# The code under test is compiled once, instrumented, into one archive that
# every harness links (a harness pulls in only the objects it uses).
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
lib=$out/libcore.a
rm -rf "$out/obj" "$lib"
mkdir -p "$out/obj"
export includes sanitize out
if ! printf '%s\n' $srcs | xargs -P 2 -I{} sh -c \
	'clang -std=c11 -D_GNU_SOURCE -g -O1 $includes $sanitize -fsanitize=fuzzer-no-link \
		-c -o "$out/obj/$(echo "{}" | tr / _).o" "{}"' 2>"$out/core.build.log" ||
   ! ar rcs "$lib" "$out"/obj/*.o 2>>"$out/core.build.log"; then
	sed 's/^/#   /' "$out/core.build.log" | head -20
	die_suite "fuzz: the code under test does not build with the sanitizers"
fi
for h in "${harnesses[@]}"; do
	name=$(basename "$h" .c)
	bin=$out/$name
	if ! clang -std=c11 -D_GNU_SOURCE -g -O1 $includes -Itests/fuzz \
		-fsanitize=fuzzer $sanitize -o "$bin" "$h" "$lib" 2>"$out/$name.build.log"; then
		fail "fuzz $name: does not build"; sed 's/^/#   /' "$out/$name.build.log" | head -20
		continue
	fi
	corpus=$out/corpus-$name
	mkdir -p "$corpus"
	[ -d tests/fuzz/corpus/$name ] && cp -n tests/fuzz/corpus/$name/* "$corpus/" 2>/dev/null
	if (cd "$out" && "./$name" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 \
		-print_final_stats=1 "corpus-$name" >"$name.log" 2>&1); then
		ok "fuzz $name: $(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$') inputs, no crash in ${seconds}s"
	else
		fail "fuzz $name: crash or sanitizer report (see $out/$name.log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$out/$name.log" | head -5 | sed 's/^/#   /'
	fi
done
