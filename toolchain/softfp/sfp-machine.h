/*
 * sfp-machine.h - target description for the soft-fp routines of Debian's
 * glibc source (soft-fp/), built by toolchain/softfp.sh into libsoftfp.a
 * for soft-float MIPS32: Debian's cross gcc ships only a hard-float libgcc,
 * whose __adddf3 and friends are FPU instructions.
 *
 * The target is a 32-bit CPU without an FPU: arithmetic on 32-bit words,
 * IEEE round-to-nearest only, no exception flags kept (C code on such a box
 * cannot read them anyway), legacy MIPS NaN encoding (quiet bit clear).
 */
#ifndef LVSBOX_SFP_MACHINE_H
#define LVSBOX_SFP_MACHINE_H

#include <endian.h>
#include <stdint.h>

#define _FP_W_TYPE_SIZE 32
#define _FP_W_TYPE unsigned long
#define _FP_WS_TYPE signed long
#define _FP_I_TYPE long

/* Double-word helpers soft-fp expects (GCC's longlong.h names), written
 * with 64-bit C arithmetic: the compiler picks the MIPS multu/divu forms. */
#define umul_ppmm(hi, lo, a, b) do { \
	uint64_t p_ = (uint64_t)(uint32_t)(a) * (uint32_t)(b); \
	(hi) = (uint32_t)(p_ >> 32); \
	(lo) = (uint32_t)p_; \
} while (0)
#define udiv_qrnnd(q, r, n1, n0, d) do { \
	uint64_t n_ = ((uint64_t)(uint32_t)(n1) << 32) | (uint32_t)(n0); \
	(q) = (uint32_t)(n_ / (uint32_t)(d)); \
	(r) = (uint32_t)(n_ % (uint32_t)(d)); \
} while (0)
#define add_ssaaaa(sh, sl, ah, al, bh, bl) do { \
	uint64_t s_ = (((uint64_t)(uint32_t)(ah) << 32) | (uint32_t)(al)) + \
		(((uint64_t)(uint32_t)(bh) << 32) | (uint32_t)(bl)); \
	(sh) = (uint32_t)(s_ >> 32); \
	(sl) = (uint32_t)s_; \
} while (0)
#define sub_ddmmss(dh, dl, ah, al, bh, bl) do { \
	uint64_t d_ = (((uint64_t)(uint32_t)(ah) << 32) | (uint32_t)(al)) - \
		(((uint64_t)(uint32_t)(bh) << 32) | (uint32_t)(bl)); \
	(dh) = (uint32_t)(d_ >> 32); \
	(dl) = (uint32_t)d_; \
} while (0)
#define count_leading_zeros(count, x) ((count) = __builtin_clz((uint32_t)(x)))
#define count_trailing_zeros(count, x) ((count) = __builtin_ctz((uint32_t)(x)))
/* udiv_qrnnd above needs no normalised divisor. */
#define UDIV_NEEDS_NORMALIZATION 0

#define _FP_MUL_MEAT_S(R, X, Y) _FP_MUL_MEAT_1_wide(_FP_WFRACBITS_S, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_D(R, X, Y) _FP_MUL_MEAT_2_wide(_FP_WFRACBITS_D, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_Q(R, X, Y) _FP_MUL_MEAT_4_wide(_FP_WFRACBITS_Q, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_DW_S(R, X, Y) _FP_MUL_MEAT_DW_1_wide(_FP_WFRACBITS_S, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_DW_D(R, X, Y) _FP_MUL_MEAT_DW_2_wide(_FP_WFRACBITS_D, R, X, Y, umul_ppmm)
#define _FP_MUL_MEAT_DW_Q(R, X, Y) _FP_MUL_MEAT_DW_4_wide(_FP_WFRACBITS_Q, R, X, Y, umul_ppmm)
#define _FP_DIV_MEAT_S(R, X, Y) _FP_DIV_MEAT_1_udiv_norm(S, R, X, Y)
#define _FP_DIV_MEAT_D(R, X, Y) _FP_DIV_MEAT_2_udiv(D, R, X, Y)
#define _FP_DIV_MEAT_Q(R, X, Y) _FP_DIV_MEAT_4_udiv(Q, R, X, Y)

/* Legacy MIPS NaNs: a quiet NaN has the top fraction bit clear, so the
 * default NaN is all other fraction bits set. */
#define _FP_NANFRAC_S (_FP_QNANBIT_S - 1)
#define _FP_NANFRAC_D (_FP_QNANBIT_D - 1), -1
#define _FP_NANFRAC_Q (_FP_QNANBIT_Q - 1), -1, -1, -1
#define _FP_NANSIGN_S 0
#define _FP_NANSIGN_D 0
#define _FP_NANSIGN_Q 0
#define _FP_KEEPNANFRACP 1
#define _FP_QNANNEGATEDP 1
/* A signalling operand gives the default NaN, else the first operand. */
#define _FP_CHOOSENAN(fs, wc, R, X, Y, OP) do { \
	if ((_FP_FRAC_HIGH_RAW_##fs(X) | _FP_FRAC_HIGH_RAW_##fs(Y)) & _FP_QNANBIT_##fs) { \
		R##_s = _FP_NANSIGN_##fs; \
		_FP_FRAC_SET_##wc(R, _FP_NANFRAC_##fs); \
	} else { \
		R##_s = X##_s; \
		_FP_FRAC_COPY_##wc(R, X); \
	} \
	R##_c = FP_CLS_NAN; \
} while (0)

#define FP_EX_INVALID (1 << 4)
#define FP_EX_DIVZERO (1 << 3)
#define FP_EX_OVERFLOW (1 << 2)
#define FP_EX_UNDERFLOW (1 << 1)
#define FP_EX_INEXACT (1 << 0)
#define _FP_TININESS_AFTER_ROUNDING 1
#define FP_ROUNDMODE FP_RND_NEAREST
#define FP_HANDLE_EXCEPTIONS do { } while (0)

/* Comparisons return a plain int on MIPS (libgcc's cmp_return mode). */
#define CMPtype int

/* One comparison routine answers under two names (__eqdf2 and __nedf2). */
#define strong_alias(target, other) extern __typeof(target) other __attribute__((alias(#target)));

#endif
