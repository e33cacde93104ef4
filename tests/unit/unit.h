/*
 * unit.h - the smallest harness that speaks tests/run.sh's protocol:
 * each CHECK prints "ok - what" or "not ok - what"; main returns unit_exit().
 */
#ifndef LVSBOX_UNIT_H
#define LVSBOX_UNIT_H
#include <stdio.h>

static int unit_failures;

#define CHECK(cond, ...) do { \
	int check_passed_ = (cond) ? 1 : 0; \
	if (check_passed_) { printf("ok - "); } \
	else { printf("not ok - "); unit_failures++; } \
	printf(__VA_ARGS__); \
	if (!check_passed_) printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond); \
	printf("\n"); \
	fflush(stdout); \
} while (0)

static inline int unit_exit(void) { return unit_failures ? 1 : 0; }
#endif
