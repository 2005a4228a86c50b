#include "textflag.h"

// func expShiftSumAVX(dst, src *float64, n int, shift float64, consts *[19][4]float64) float64
// dst[j] = exp(src[j]-shift), returns the sum. n is a positive multiple of 4.
// x = src-shift; k = round(x·log2e); r = x - k·ln2 (two parts);
// e^r by Horner (Taylor to r^13, FMA); e^x = e^r · 2^k; x < -708 gives 0.
TEXT ·expShiftSumAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSD shift+24(FP), Y15
	MOVQ consts+32(FP), R8
	VXORPD Y14, Y14, Y14          // sum
	VMOVUPD 0(R8), Y13            // log2e
	VMOVUPD 96(R8), Y12           // expMin
	VMOVUPD 128(R8), Y11          // 1023

loop:
	VMOVUPD (SI), Y0
	VSUBPD  Y15, Y0, Y0           // x = src - shift
	VMULPD  Y13, Y0, Y1           // x·log2e
	VROUNDPD $0, Y1, Y1           // k = round to nearest
	VMOVAPD Y0, Y2
	VFMADD231PD 32(R8), Y1, Y2    // r = x - k·ln2hi
	VFMADD231PD 64(R8), Y1, Y2    // r -= k·ln2lo
	VMOVUPD 160(R8), Y3           // p = 1/13!
	VFMADD213PD 192(R8), Y2, Y3   // p = p·r + 1/12!
	VFMADD213PD 224(R8), Y2, Y3
	VFMADD213PD 256(R8), Y2, Y3
	VFMADD213PD 288(R8), Y2, Y3
	VFMADD213PD 320(R8), Y2, Y3
	VFMADD213PD 352(R8), Y2, Y3
	VFMADD213PD 384(R8), Y2, Y3
	VFMADD213PD 416(R8), Y2, Y3
	VFMADD213PD 448(R8), Y2, Y3
	VFMADD213PD 480(R8), Y2, Y3
	VFMADD213PD 512(R8), Y2, Y3
	VFMADD213PD 544(R8), Y2, Y3   // p·r + 1/1!
	VFMADD213PD 576(R8), Y2, Y3   // p·r + 1/0!
	VCVTPD2DQY Y1, X4             // k as int32
	VPMOVSXDQ X4, Y4              // k as int64
	VPADDQ  Y11, Y4, Y4           // k + 1023
	VPSLLQ  $52, Y4, Y4           // 2^k
	VMULPD  Y4, Y3, Y3            // e^r · 2^k
	VCMPPD  $1, Y12, Y0, Y5       // x < expMin (false for NaN: callers pass finite scores)
	VANDNPD Y3, Y5, Y3            // flush to 0
	VMOVUPD Y3, (DI)
	VADDPD  Y3, Y14, Y14
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $4, CX
	JNZ  loop

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
