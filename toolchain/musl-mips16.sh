#!/bin/sh
# musl-mips16.sh - lets musl's C that uses the MIPS32-only instructions
# (syscall, ll/sc, sync, rdhwr) compile as MIPS16e, for sysroot.sh's second
# pass on mipsel.
#
# Usage: toolchain/musl-mips16.sh helpers|headers TREE
#   helpers  adds src/internal/mips16_gate.c to a musl source tree: the
#            system call, compare-and-swap, barrier and thread pointer as
#            ordinary functions around musl's own inline assembly. It must
#            be compiled without -mips16 (sysroot.sh keeps the first,
#            MIPS32 build of it).
#   headers  makes the MIPS16 build of a tree call those functions: its
#            syscall_arch.h, atomic_arch.h and pthread_arch.h, when
#            __mips16 is defined, call the gate instead of holding the
#            assembly. A call costs a few instructions; a system call costs
#            far more anyway, and lvsbox's daemons are single-threaded.
set -e
what=$1 tree=$2
[ -d "$tree/arch/mips" ] || { echo "usage: $0 helpers|headers MUSL_TREE" >&2; exit 2; }
case $what in
helpers)
	cat >"$tree/src/internal/mips16_gate.c" <<'GATE'
#include <stdint.h>
#include "syscall.h"
#include "atomic.h"
#include "pthread_impl.h"

#ifdef __mips16
#error "mips16_gate.c is the MIPS32 side of the gate: compile it without -mips16"
#endif

long __mips16_syscall(long n, long a, long b, long c, long d, long e, long f, long g)
{
	return __syscall7(n, a, b, c, d, e, f, g);
}

int __mips16_cas(volatile int *p, int t, int s)
{
	return a_cas(p, t, s);
}

void __mips16_barrier(void)
{
	a_barrier();
}

uintptr_t __mips16_get_tp(void)
{
	return __get_tp();
}
GATE
	;;
headers)
	a=$tree/arch/mips
	# the assembly versions keep their bodies under new names
	sed -i 's/^static inline long __syscall\([0-7]\)(/static inline long __syscall\1_asm(/' "$a/syscall_arch.h"
	cat >>"$a/syscall_arch.h" <<'SYS'

#ifdef __mips16
long __mips16_syscall(long, long, long, long, long, long, long, long);
#define GATE(n, a, b, c, d, e, f, g) __mips16_syscall(n, a, b, c, d, e, f, g)
#else
#define GATE(n, a, b, c, d, e, f, g) __syscall7_asm(n, a, b, c, d, e, f, g)
#endif
static inline long __syscall0(long n) { return GATE(n, 0, 0, 0, 0, 0, 0, 0); }
static inline long __syscall1(long n, long a) { return GATE(n, a, 0, 0, 0, 0, 0, 0); }
static inline long __syscall2(long n, long a, long b) { return GATE(n, a, b, 0, 0, 0, 0, 0); }
static inline long __syscall3(long n, long a, long b, long c) { return GATE(n, a, b, c, 0, 0, 0, 0); }
static inline long __syscall4(long n, long a, long b, long c, long d) { return GATE(n, a, b, c, d, 0, 0, 0); }
static inline long __syscall5(long n, long a, long b, long c, long d, long e) { return GATE(n, a, b, c, d, e, 0, 0); }
static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f) { return GATE(n, a, b, c, d, e, f, 0); }
static inline long __syscall7(long n, long a, long b, long c, long d, long e, long f, long g) { return GATE(n, a, b, c, d, e, f, g); }
#undef GATE
SYS
	{
		echo '#ifndef __mips16'
		cat "$a/atomic_arch.h"
		cat <<'ATOM'
#else
int __mips16_cas(volatile int *, int, int);
void __mips16_barrier(void);
#define a_cas a_cas
static inline int a_cas(volatile int *p, int t, int s) { return __mips16_cas(p, t, s); }
#define a_barrier a_barrier
static inline void a_barrier() { __mips16_barrier(); }
#endif
ATOM
	} >"$a/atomic_arch.h.new"
	mv "$a/atomic_arch.h.new" "$a/atomic_arch.h"
	sed -i 's/^static inline uintptr_t __get_tp()/static inline uintptr_t __get_tp_asm()/' "$a/pthread_arch.h"
	cat >>"$a/pthread_arch.h" <<'TP'

#ifdef __mips16
uintptr_t __mips16_get_tp(void);
static inline uintptr_t __get_tp() { return __mips16_get_tp(); }
#else
static inline uintptr_t __get_tp() { return __get_tp_asm(); }
#endif
TP
	;;
*)
	echo "usage: $0 helpers|headers MUSL_TREE" >&2
	exit 2
	;;
esac
