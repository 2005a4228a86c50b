#include "textflag.h"

// func expShiftSumAVX(dst, src *float64, n int, shift float64, consts *[19][4]float64) float64
// dst[j] = exp(src[j]-shift), returns the sum. n is a positive multiple of 4.
// x = src-shift; k = round(x·log2e); r = x - k·ln2 (two parts);
// e^r by Horner (Taylor to r^13, FMA); e^x = e^r · 2^k; x < -708 gives 0.
// Two independent chains (8 values) per iteration hide the FMA latency.
#define EXPSTEP(X, K, R, P, I, M) \
	VSUBPD  Y15, X, X \
	VMULPD  0(R8), X, K \
	VROUNDPD $0, K, K \
	VMOVAPD X, R \
	VFMADD231PD 32(R8), K, R \
	VFMADD231PD 64(R8), K, R \
	VMOVUPD 160(R8), P \
	VFMADD213PD 192(R8), R, P \
	VFMADD213PD 224(R8), R, P \
	VFMADD213PD 256(R8), R, P \
	VFMADD213PD 288(R8), R, P \
	VFMADD213PD 320(R8), R, P \
	VFMADD213PD 352(R8), R, P \
	VFMADD213PD 384(R8), R, P \
	VFMADD213PD 416(R8), R, P \
	VFMADD213PD 448(R8), R, P \
	VFMADD213PD 480(R8), R, P \
	VFMADD213PD 512(R8), R, P \
	VFMADD213PD 544(R8), R, P \
	VFMADD213PD 576(R8), R, P \
	VCVTPD2DQY K, I \
	VPMOVSXDQ I, K \
	VPADDQ  128(R8), K, K \
	VPSLLQ  $52, K, K \
	VMULPD  K, P, P \
	VCMPPD  $1, 96(R8), X, M \
	VANDNPD P, M, P

TEXT ·expShiftSumAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD shift+24(FP), Y15
	MOVQ consts+32(FP), R8
	VXORPD Y14, Y14, Y14          // sum
	VXORPD Y13, Y13, Y13          // second sum
	CMPQ CX, $8
	JLT  one

two:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y6
	EXPSTEP(Y0, Y1, Y2, Y3, X4, Y5)
	EXPSTEP(Y6, Y7, Y8, Y9, X10, Y11)
	VMOVUPD Y3, (DI)
	VMOVUPD Y9, 32(DI)
	VADDPD  Y3, Y14, Y14
	VADDPD  Y9, Y13, Y13
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $8, CX
	CMPQ CX, $8
	JGE  two

one:
	TESTQ CX, CX
	JZ    sum
	VMOVUPD (SI), Y0
	EXPSTEP(Y0, Y1, Y2, Y3, X4, Y5)
	VMOVUPD Y3, (DI)
	VADDPD  Y3, Y14, Y14

sum:
	VADDPD Y13, Y14, Y14
	VEXTRACTF128 $1, Y14, X0
	VADDPD X0, X14, X0
	VHADDPD X0, X0, X0
	MOVSD X0, ret+40(FP)
	VZEROUPPER
	RET

// func maxAVX(s *float64, n int, init float64) float64
// Largest value ignoring NaN (acc = x > acc ? x : acc), starting from init.
TEXT ·maxAVX(SB), NOSPLIT, $0-32
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD init+16(FP), Y1

maxloop:
	VMOVUPD (SI), Y0
	VMAXPD  Y1, Y0, Y1
	ADDQ $32, SI
	SUBQ $4, CX
	JNZ  maxloop

	VEXTRACTF128 $1, Y1, X0
	VMAXPD X1, X0, X1
	VPERMILPD $1, X1, X0
	VMAXPD X1, X0, X1
	MOVSD X1, ret+24(FP)
	VZEROUPPER
	RET

// func scaleAVX(s *float64, n int, f float64)
TEXT ·scaleAVX(SB), NOSPLIT, $0-24
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD f+16(FP), Y1

scaleloop:
	VMULPD (SI), Y1, Y0
	VMOVUPD Y0, (SI)
	ADDQ $32, SI
	SUBQ $4, CX
	JNZ  scaleloop
	VZEROUPPER
	RET

// func finiteSumAVX(s *float64, n int) float64
// Sum of x-x: 0 when every x is finite, NaN otherwise.
TEXT ·finiteSumAVX(SB), NOSPLIT, $0-24
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	VXORPD Y1, Y1, Y1

finiteloop:
	VMOVUPD (SI), Y0
	VSUBPD  Y0, Y0, Y0
	VADDPD  Y0, Y1, Y1
	ADDQ $32, SI
	SUBQ $4, CX
	JNZ  finiteloop

	VEXTRACTF128 $1, Y1, X0
	VADDPD X1, X0, X1
	VHADDPD X1, X1, X1
	MOVSD X1, ret+16(FP)
	VZEROUPPER
	RET

// func maxFiniteAVX(s *float64, n int, init float64) (m, bad float64)
// m: largest value ignoring NaN, starting from init; bad: sum of x-x, which is
// 0 when every x is finite and NaN otherwise. n is a positive multiple of 4.
TEXT ·maxFiniteAVX(SB), NOSPLIT, $0-40
	MOVQ s+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD init+16(FP), Y1
	VMOVAPD Y1, Y3
	VXORPD Y2, Y2, Y2
	VXORPD Y4, Y4, Y4
	CMPQ CX, $8
	JLT  mfone

mftwo:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y5
	VMAXPD  Y1, Y0, Y1
	VMAXPD  Y3, Y5, Y3
	VSUBPD  Y0, Y0, Y0
	VSUBPD  Y5, Y5, Y5
	VADDPD  Y0, Y2, Y2
	VADDPD  Y5, Y4, Y4
	ADDQ $64, SI
	SUBQ $8, CX
	CMPQ CX, $8
	JGE  mftwo

mfone:
	TESTQ CX, CX
	JZ    mfdone
	VMOVUPD (SI), Y0
	VMAXPD  Y1, Y0, Y1
	VSUBPD  Y0, Y0, Y0
	VADDPD  Y0, Y2, Y2

mfdone:
	VMAXPD  Y3, Y1, Y1
	VADDPD  Y4, Y2, Y2
	VEXTRACTF128 $1, Y1, X0
	VMAXPD X1, X0, X1
	VPERMILPD $1, X1, X0
	VMAXPD X1, X0, X1
	MOVSD X1, m+24(FP)
	VEXTRACTF128 $1, Y2, X0
	VADDPD X2, X0, X2
	VHADDPD X2, X2, X2
	MOVSD X2, bad+32(FP)
	VZEROUPPER
	RET
