//go:build !amd64

package linalg

const hasVectorExp = false

func expShiftSum4(dst, src []float64, shift float64) float64 { panic("unreachable") }
