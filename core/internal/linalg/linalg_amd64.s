#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func kern4x8(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)
// C[0:4, 0:8] = A[0:4, 0:k] · B[0:k, 0:8]. Accumulators: Y4..Y11 (row r: Y(4+2r), Y(5+2r)).
TEXT ·kern4x8(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ lda+16(FP), DX
	SHLQ $3, DX
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), SI
	SHLQ $3, SI
	MOVQ c+40(FP), DI
	MOVQ ldc+48(FP), R10
	SHLQ $3, R10
	LEAQ (DX)(DX*2), R8
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11

loop:
	VMOVUPD (BX), Y0
	VMOVUPD 32(BX), Y1
	VBROADCASTSD (AX), Y2
	VFMADD231PD Y0, Y2, Y4
	VFMADD231PD Y1, Y2, Y5
	VBROADCASTSD (AX)(DX*1), Y3
	VFMADD231PD Y0, Y3, Y6
	VFMADD231PD Y1, Y3, Y7
	VBROADCASTSD (AX)(DX*2), Y2
	VFMADD231PD Y0, Y2, Y8
	VFMADD231PD Y1, Y2, Y9
	VBROADCASTSD (AX)(R8*1), Y3
	VFMADD231PD Y0, Y3, Y10
	VFMADD231PD Y1, Y3, Y11
	ADDQ $8, AX
	ADDQ SI, BX
	DECQ CX
	JNZ  loop

	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	ADDQ    R10, DI
	VMOVUPD Y6, (DI)
	VMOVUPD Y7, 32(DI)
	ADDQ    R10, DI
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 32(DI)
	ADDQ    R10, DI
	VMOVUPD Y10, (DI)
	VMOVUPD Y11, 32(DI)
	VZEROUPPER
	RET
