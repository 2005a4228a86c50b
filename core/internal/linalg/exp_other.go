//go:build !amd64 && !(js && wasm && attnviz_simd)

package linalg

const hasVectorExp = false

func expShiftSum4(dst, src []float64, shift float64) float64 { panic("unreachable") }

func max4(s []float64) float64       { panic("unreachable") }
func scale4(s []float64, f float64)  { panic("unreachable") }
func finiteSum4(s []float64) float64 { panic("unreachable") }

func maxFinite4(s []float64) (float64, float64) { panic("unreachable") }
