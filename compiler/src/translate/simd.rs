//! 128-bit SIMD (spec §4.4.3 "Vector instructions") and relaxed SIMD (§4.4.3.x "Relaxed").
//!
//! A `v128` on the operand stack, in a local, a block parameter or a signature is always an
//! `i8x16` CLIF value; each operator bitcasts its operands to the lane shape it works on
//! (`i32x4`, `f64x2`, ...) and its result back, so every join point agrees on one type. The
//! egraph pass folds the chains of bitcasts away.
//!
//! Cranelift's vector instructions implement Wasm's semantics directly (Wasmtime is built on
//! them): `swizzle` zeroes out-of-range lanes, shifts take their count modulo the lane width,
//! `fmin`/`fmax` propagate NaN and order the zeros, `fcvt_to_*int_sat` saturate, `snarrow`
//! and `unarrow` saturate signed inputs. The operators without one Cranelift instruction are
//! composed here: `pmin`/`pmax` (a compare and a select, in the operand order the spec's
//! definition gives), the extending multiplications and dot products (widen, multiply, add
//! pairs), the `_zero` conversions (narrow against a zero vector).
//!
//! Relaxed SIMD: every relaxed operator takes the result of the spec's deterministic profile
//! (§4.3.x "Relaxed operations": every choice parameter is 0), which is platform-independent
//! and also one of the results the non-deterministic profile permits:
//! `relaxed_swizzle` = `swizzle`, `relaxed_trunc*` = `trunc_sat*`, `relaxed_madd` =
//! `fadd(fmul)` (unfused), `relaxed_nmadd` = `fadd(fmul(-a, b))`, `relaxed_min`/`max` =
//! `min`/`max`, `relaxed_laneselect` = `bitselect`, `relaxed_q15mulr_s` = `q15mulr_sat_s`,
//! the relaxed dot products = signed × signed.

use cranelift_codegen::ir::{
    Endianness, InstBuilder, MemFlagsData, Type, Value,
    condcodes::{FloatCC, IntCC},
    types::{F32X4, F64X2, I8X16, I16X8, I32, I32X4, I64X2},
};
use wasmparser::{MemArg, Operator};

use super::FuncTranslator;
use super::env::heap_flags;
use crate::error::CompileError;

/// Flags of lane reinterpretations: Wasm's lanes are little-endian (spec §4.2.x "Vectors").
const LANES: MemFlagsData = MemFlagsData::new().with_endianness(Endianness::Little);

/// The lane shape named by the operator (`I16x8Add` works on `i16x8`); `i8x16` for the
/// `v128.*` operators. Only called for SIMD operators.
fn lane_ty(op: &Operator<'_>) -> Type {
    let name = format!("{op:?}");
    match name.get(..5).unwrap_or("") {
        "I8x16" => I8X16,
        "I16x8" => I16X8,
        "I32x4" => I32X4,
        "I64x2" => I64X2,
        "F32x4" => F32X4,
        "F64x2" => F64X2,
        _ => I8X16,
    }
}

impl FuncTranslator<'_, '_, '_> {
    /// `v` reinterpreted as a vector of type `ty`.
    fn as_lanes(&mut self, v: Value, ty: Type) -> Value {
        if self.builder.func.dfg.value_type(v) == ty {
            v
        } else {
            self.builder.ins().bitcast(ty, LANES, v)
        }
    }

    /// Pops a `v128` as a vector of type `ty`.
    fn pop_lanes(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_lanes(v, ty)
    }

    fn pop2_lanes(&mut self, ty: Type) -> (Value, Value) {
        let b = self.pop_lanes(ty);
        let a = self.pop_lanes(ty);
        (a, b)
    }

    fn pop3_lanes(&mut self, ty: Type) -> (Value, Value, Value) {
        let c = self.pop_lanes(ty);
        let (a, b) = self.pop2_lanes(ty);
        (a, b, c)
    }

    /// Pushes a vector as a `v128` (an `i8x16`).
    fn push_lanes(&mut self, v: Value) {
        let v = self.as_lanes(v, I8X16);
        self.push(v);
    }

    fn vunop(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop_lanes(ty);
        let r = f(self, a);
        self.push_lanes(r);
    }

    fn vbinop(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let (a, b) = self.pop2_lanes(ty);
        let r = f(self, a, b);
        self.push_lanes(r);
    }

    /// A boolean of a vector test (`any_true`, `all_true`) as an `i32`.
    fn vtest(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop_lanes(ty);
        let c = f(self, a);
        let r = self.builder.ins().uextend(I32, c);
        self.push(r);
    }

    fn vconst(&mut self, ty: Type, bytes: [u8; 16]) -> Value {
        let c = self.builder.func.dfg.constants.insert(bytes.to_vec().into());
        self.builder.ins().vconst(ty, c)
    }

    /// Pops the lane shift count: an `i32` taken modulo the lane width by the instruction.
    fn vshift(&mut self, ty: Type, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let n = self.pop();
        let a = self.pop_lanes(ty);
        let r = f(self, a, n);
        self.push_lanes(r);
    }

    /// `extmul_low`/`extmul_high`: widens both halves the same way, multiplies lanewise.
    fn extmul(&mut self, ty: Type, high: bool, signed: bool) {
        let (a, b) = self.pop2_lanes(ty);
        let (a, b) = (self.widen(a, high, signed), self.widen(b, high, signed));
        let r = self.builder.ins().imul(a, b);
        self.push_lanes(r);
    }

    fn widen(&mut self, v: Value, high: bool, signed: bool) -> Value {
        let ins = self.builder.ins();
        match (high, signed) {
            (false, true) => ins.swiden_low(v),
            (true, true) => ins.swiden_high(v),
            (false, false) => ins.uwiden_low(v),
            (true, false) => ins.uwiden_high(v),
        }
    }

    /// `extadd_pairwise`: sums adjacent lanes into lanes twice as wide.
    fn extadd_pairwise(&mut self, ty: Type, signed: bool) {
        let a = self.pop_lanes(ty);
        let lo = self.widen(a, false, signed);
        let hi = self.widen(a, true, signed);
        let r = self.builder.ins().iadd_pairwise(lo, hi);
        self.push_lanes(r);
    }

    /// `i32x4.dot_i16x8_s`: products of signed 16-bit lanes, adjacent pairs summed.
    fn dot_i16x8(&mut self, a: Value, b: Value) -> Value {
        let (al, bl) = (self.widen(a, false, true), self.widen(b, false, true));
        let lo = self.builder.ins().imul(al, bl);
        let (ah, bh) = (self.widen(a, true, true), self.widen(b, true, true));
        let hi = self.builder.ins().imul(ah, bh);
        self.builder.ins().iadd_pairwise(lo, hi)
    }

    /// `pmin` (`z2 < z1 ? z2 : z1`) or `pmax` (`z1 < z2 ? z2 : z1`), spec §4.3.x.
    fn pminmax(&mut self, ty: Type, max: bool) {
        let (a, b) = self.pop2_lanes(ty);
        let c = if max {
            self.builder.ins().fcmp(FloatCC::LessThan, a, b)
        } else {
            self.builder.ins().fcmp(FloatCC::LessThan, b, a)
        };
        let c = self.as_lanes(c, ty);
        let r = self.builder.ins().bitselect(c, b, a);
        self.push_lanes(r);
    }

    /// A load of one scalar of type `ty` (for splats, `_zero` loads and lane loads).
    fn load_scalar(&mut self, memarg: &MemArg, ty: Type) -> Result<Value, CompileError> {
        let (addr, offset) = self.heap_addr(memarg, ty.bytes())?;
        Ok(self.builder.ins().load(ty, heap_flags(), addr, offset))
    }

    /// `v128.loadNxM_s/u`: loads 8 bytes and extends each lane.
    fn load_extend(
        &mut self,
        memarg: &MemArg,
        f: impl FnOnce(&mut Self, MemFlagsData, Value, i32) -> Value,
    ) -> Result<(), CompileError> {
        let (addr, offset) = self.heap_addr(memarg, 8)?;
        let v = f(self, heap_flags(), addr, offset);
        self.push_lanes(v);
        Ok(())
    }

    /// Translates `op` if it is a SIMD or relaxed SIMD operator; returns whether it was.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use Operator as O;
        let ty = lane_ty(op);
        match *op {
            // ---- memory ----
            O::V128Load { memarg } => self.load(&memarg, I8X16, I8X16, false)?,
            O::V128Store { memarg } => self.store(&memarg, I8X16)?,
            O::V128Load8x8S { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().sload8x8(f, a, o))?
            }
            O::V128Load8x8U { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().uload8x8(f, a, o))?
            }
            O::V128Load16x4S { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().sload16x4(f, a, o))?
            }
            O::V128Load16x4U { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().uload16x4(f, a, o))?
            }
            O::V128Load32x2S { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().sload32x2(f, a, o))?
            }
            O::V128Load32x2U { memarg } => {
                self.load_extend(&memarg, |t, f, a, o| t.builder.ins().uload32x2(f, a, o))?
            }
            O::V128Load8Splat { memarg } => self.load_splat(&memarg, I8X16)?,
            O::V128Load16Splat { memarg } => self.load_splat(&memarg, I16X8)?,
            O::V128Load32Splat { memarg } => self.load_splat(&memarg, I32X4)?,
            O::V128Load64Splat { memarg } => self.load_splat(&memarg, I64X2)?,
            O::V128Load32Zero { memarg } => self.load_zero(&memarg, I32X4)?,
            O::V128Load64Zero { memarg } => self.load_zero(&memarg, I64X2)?,
            O::V128Load8Lane { memarg, lane } => self.load_lane(&memarg, I8X16, lane)?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(&memarg, I16X8, lane)?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(&memarg, I32X4, lane)?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(&memarg, I64X2, lane)?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(&memarg, I8X16, lane)?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(&memarg, I16X8, lane)?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(&memarg, I32X4, lane)?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(&memarg, I64X2, lane)?,

            // ---- constants, lanes, shuffles ----
            O::V128Const { value } => {
                let v = self.vconst(I8X16, *value.bytes());
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.pop2_lanes(I8X16);
                let mask = self.builder.func.dfg.immediates.push(lanes.to_vec().into());
                let r = self.builder.ins().shuffle(a, b, mask);
                self.push(r);
            }
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => {
                self.vbinop(I8X16, |t, a, b| t.builder.ins().swizzle(a, b))
            }
            O::I8x16Splat | O::I16x8Splat => {
                let x = self.pop();
                let x = self.builder.ins().ireduce(ty.lane_type(), x);
                let r = self.builder.ins().splat(ty, x);
                self.push_lanes(r);
            }
            O::I32x4Splat | O::I64x2Splat | O::F32x4Splat | O::F64x2Splat => {
                let x = self.pop();
                let r = self.builder.ins().splat(ty, x);
                self.push_lanes(r);
            }
            O::I8x16ExtractLaneS { lane } | O::I16x8ExtractLaneS { lane } => {
                let v = self.pop_lanes(ty);
                let x = self.builder.ins().extractlane(v, lane);
                let r = self.builder.ins().sextend(I32, x);
                self.push(r);
            }
            O::I8x16ExtractLaneU { lane } | O::I16x8ExtractLaneU { lane } => {
                let v = self.pop_lanes(ty);
                let x = self.builder.ins().extractlane(v, lane);
                let r = self.builder.ins().uextend(I32, x);
                self.push(r);
            }
            O::I32x4ExtractLane { lane }
            | O::I64x2ExtractLane { lane }
            | O::F32x4ExtractLane { lane }
            | O::F64x2ExtractLane { lane } => {
                let v = self.pop_lanes(ty);
                let r = self.builder.ins().extractlane(v, lane);
                self.push(r);
            }
            O::I8x16ReplaceLane { lane } | O::I16x8ReplaceLane { lane } => {
                let x = self.pop();
                let v = self.pop_lanes(ty);
                let x = self.builder.ins().ireduce(ty.lane_type(), x);
                let r = self.builder.ins().insertlane(v, x, lane);
                self.push_lanes(r);
            }
            O::I32x4ReplaceLane { lane }
            | O::I64x2ReplaceLane { lane }
            | O::F32x4ReplaceLane { lane }
            | O::F64x2ReplaceLane { lane } => {
                let x = self.pop();
                let v = self.pop_lanes(ty);
                let r = self.builder.ins().insertlane(v, x, lane);
                self.push_lanes(r);
            }

            // ---- bitwise ----
            O::V128Not => self.vunop(I8X16, |t, a| t.builder.ins().bnot(a)),
            O::V128And => self.vbinop(I8X16, |t, a, b| t.builder.ins().band(a, b)),
            O::V128AndNot => self.vbinop(I8X16, |t, a, b| t.builder.ins().band_not(a, b)),
            O::V128Or => self.vbinop(I8X16, |t, a, b| t.builder.ins().bor(a, b)),
            O::V128Xor => self.vbinop(I8X16, |t, a, b| t.builder.ins().bxor(a, b)),
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let (a, b, c) = self.pop3_lanes(I8X16);
                let r = self.builder.ins().bitselect(c, a, b);
                self.push(r);
            }
            O::V128AnyTrue => self.vtest(I8X16, |t, a| t.builder.ins().vany_true(a)),
            O::I8x16AllTrue | O::I16x8AllTrue | O::I32x4AllTrue | O::I64x2AllTrue => {
                self.vtest(ty, |t, a| t.builder.ins().vall_true(a))
            }
            O::I8x16Bitmask | O::I16x8Bitmask | O::I32x4Bitmask | O::I64x2Bitmask => {
                let a = self.pop_lanes(ty);
                let r = self.builder.ins().vhigh_bits(I32, a);
                self.push(r);
            }

            // ---- integer comparisons ----
            O::I8x16Eq | O::I16x8Eq | O::I32x4Eq | O::I64x2Eq => self.vicmp(ty, IntCC::Equal),
            O::I8x16Ne | O::I16x8Ne | O::I32x4Ne | O::I64x2Ne => self.vicmp(ty, IntCC::NotEqual),
            O::I8x16LtS | O::I16x8LtS | O::I32x4LtS | O::I64x2LtS => {
                self.vicmp(ty, IntCC::SignedLessThan)
            }
            O::I8x16LtU | O::I16x8LtU | O::I32x4LtU => self.vicmp(ty, IntCC::UnsignedLessThan),
            O::I8x16GtS | O::I16x8GtS | O::I32x4GtS | O::I64x2GtS => {
                self.vicmp(ty, IntCC::SignedGreaterThan)
            }
            O::I8x16GtU | O::I16x8GtU | O::I32x4GtU => self.vicmp(ty, IntCC::UnsignedGreaterThan),
            O::I8x16LeS | O::I16x8LeS | O::I32x4LeS | O::I64x2LeS => {
                self.vicmp(ty, IntCC::SignedLessThanOrEqual)
            }
            O::I8x16LeU | O::I16x8LeU | O::I32x4LeU => {
                self.vicmp(ty, IntCC::UnsignedLessThanOrEqual)
            }
            O::I8x16GeS | O::I16x8GeS | O::I32x4GeS | O::I64x2GeS => {
                self.vicmp(ty, IntCC::SignedGreaterThanOrEqual)
            }
            O::I8x16GeU | O::I16x8GeU | O::I32x4GeU => {
                self.vicmp(ty, IntCC::UnsignedGreaterThanOrEqual)
            }

            // ---- float comparisons ----
            O::F32x4Eq | O::F64x2Eq => self.vfcmp(ty, FloatCC::Equal),
            O::F32x4Ne | O::F64x2Ne => self.vfcmp(ty, FloatCC::NotEqual),
            O::F32x4Lt | O::F64x2Lt => self.vfcmp(ty, FloatCC::LessThan),
            O::F32x4Gt | O::F64x2Gt => self.vfcmp(ty, FloatCC::GreaterThan),
            O::F32x4Le | O::F64x2Le => self.vfcmp(ty, FloatCC::LessThanOrEqual),
            O::F32x4Ge | O::F64x2Ge => self.vfcmp(ty, FloatCC::GreaterThanOrEqual),

            // ---- integer arithmetic ----
            O::I8x16Abs | O::I16x8Abs | O::I32x4Abs | O::I64x2Abs => {
                self.vunop(ty, |t, a| t.builder.ins().iabs(a))
            }
            O::I8x16Neg | O::I16x8Neg | O::I32x4Neg | O::I64x2Neg => {
                self.vunop(ty, |t, a| t.builder.ins().ineg(a))
            }
            O::I8x16Popcnt => self.vunop(I8X16, |t, a| t.builder.ins().popcnt(a)),
            O::I8x16Add | O::I16x8Add | O::I32x4Add | O::I64x2Add => {
                self.vbinop(ty, |t, a, b| t.builder.ins().iadd(a, b))
            }
            O::I8x16Sub | O::I16x8Sub | O::I32x4Sub | O::I64x2Sub => {
                self.vbinop(ty, |t, a, b| t.builder.ins().isub(a, b))
            }
            O::I16x8Mul | O::I32x4Mul | O::I64x2Mul => {
                self.vbinop(ty, |t, a, b| t.builder.ins().imul(a, b))
            }
            O::I8x16AddSatS | O::I16x8AddSatS => {
                self.vbinop(ty, |t, a, b| t.builder.ins().sadd_sat(a, b))
            }
            O::I8x16AddSatU | O::I16x8AddSatU => {
                self.vbinop(ty, |t, a, b| t.builder.ins().uadd_sat(a, b))
            }
            O::I8x16SubSatS | O::I16x8SubSatS => {
                self.vbinop(ty, |t, a, b| t.builder.ins().ssub_sat(a, b))
            }
            O::I8x16SubSatU | O::I16x8SubSatU => {
                self.vbinop(ty, |t, a, b| t.builder.ins().usub_sat(a, b))
            }
            O::I8x16MinS | O::I16x8MinS | O::I32x4MinS => {
                self.vbinop(ty, |t, a, b| t.builder.ins().smin(a, b))
            }
            O::I8x16MinU | O::I16x8MinU | O::I32x4MinU => {
                self.vbinop(ty, |t, a, b| t.builder.ins().umin(a, b))
            }
            O::I8x16MaxS | O::I16x8MaxS | O::I32x4MaxS => {
                self.vbinop(ty, |t, a, b| t.builder.ins().smax(a, b))
            }
            O::I8x16MaxU | O::I16x8MaxU | O::I32x4MaxU => {
                self.vbinop(ty, |t, a, b| t.builder.ins().umax(a, b))
            }
            O::I8x16AvgrU | O::I16x8AvgrU => {
                self.vbinop(ty, |t, a, b| t.builder.ins().avg_round(a, b))
            }
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => {
                self.vbinop(I16X8, |t, a, b| t.builder.ins().sqmul_round_sat(a, b))
            }
            O::I8x16Shl | O::I16x8Shl | O::I32x4Shl | O::I64x2Shl => {
                self.vshift(ty, |t, a, n| t.builder.ins().ishl(a, n))
            }
            O::I8x16ShrS | O::I16x8ShrS | O::I32x4ShrS | O::I64x2ShrS => {
                self.vshift(ty, |t, a, n| t.builder.ins().sshr(a, n))
            }
            O::I8x16ShrU | O::I16x8ShrU | O::I32x4ShrU | O::I64x2ShrU => {
                self.vshift(ty, |t, a, n| t.builder.ins().ushr(a, n))
            }

            // ---- narrowing, widening, extended arithmetic ----
            O::I8x16NarrowI16x8S => self.vbinop(I16X8, |t, a, b| t.builder.ins().snarrow(a, b)),
            O::I8x16NarrowI16x8U => self.vbinop(I16X8, |t, a, b| t.builder.ins().unarrow(a, b)),
            O::I16x8NarrowI32x4S => self.vbinop(I32X4, |t, a, b| t.builder.ins().snarrow(a, b)),
            O::I16x8NarrowI32x4U => self.vbinop(I32X4, |t, a, b| t.builder.ins().unarrow(a, b)),
            O::I16x8ExtendLowI8x16S => self.vunop(I8X16, |t, a| t.widen(a, false, true)),
            O::I16x8ExtendHighI8x16S => self.vunop(I8X16, |t, a| t.widen(a, true, true)),
            O::I16x8ExtendLowI8x16U => self.vunop(I8X16, |t, a| t.widen(a, false, false)),
            O::I16x8ExtendHighI8x16U => self.vunop(I8X16, |t, a| t.widen(a, true, false)),
            O::I32x4ExtendLowI16x8S => self.vunop(I16X8, |t, a| t.widen(a, false, true)),
            O::I32x4ExtendHighI16x8S => self.vunop(I16X8, |t, a| t.widen(a, true, true)),
            O::I32x4ExtendLowI16x8U => self.vunop(I16X8, |t, a| t.widen(a, false, false)),
            O::I32x4ExtendHighI16x8U => self.vunop(I16X8, |t, a| t.widen(a, true, false)),
            O::I64x2ExtendLowI32x4S => self.vunop(I32X4, |t, a| t.widen(a, false, true)),
            O::I64x2ExtendHighI32x4S => self.vunop(I32X4, |t, a| t.widen(a, true, true)),
            O::I64x2ExtendLowI32x4U => self.vunop(I32X4, |t, a| t.widen(a, false, false)),
            O::I64x2ExtendHighI32x4U => self.vunop(I32X4, |t, a| t.widen(a, true, false)),
            O::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),
            O::I16x8ExtMulLowI8x16S => self.extmul(I8X16, false, true),
            O::I16x8ExtMulHighI8x16S => self.extmul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.extmul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.extmul(I8X16, true, false),
            O::I32x4ExtMulLowI16x8S => self.extmul(I16X8, false, true),
            O::I32x4ExtMulHighI16x8S => self.extmul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.extmul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.extmul(I16X8, true, false),
            O::I64x2ExtMulLowI32x4S => self.extmul(I32X4, false, true),
            O::I64x2ExtMulHighI32x4S => self.extmul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.extmul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.extmul(I32X4, true, false),
            O::I32x4DotI16x8S => self.vbinop(I16X8, |t, a, b| t.dot_i16x8(a, b)),
            O::I16x8RelaxedDotI8x16I7x16S => {
                // Signed × signed (the deterministic profile), adjacent products summed.
                self.vbinop(I8X16, |t, a, b| {
                    let (al, bl) = (t.widen(a, false, true), t.widen(b, false, true));
                    let lo = t.builder.ins().imul(al, bl);
                    let (ah, bh) = (t.widen(a, true, true), t.widen(b, true, true));
                    let hi = t.builder.ins().imul(ah, bh);
                    t.builder.ins().iadd_pairwise(lo, hi)
                })
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                // The i16x8 dot product above, its adjacent lanes summed again (as i32) and
                // added to the accumulator.
                let acc = self.pop_lanes(I32X4);
                let (a, b) = self.pop2_lanes(I8X16);
                let (al, bl) = (self.widen(a, false, true), self.widen(b, false, true));
                let lo = self.builder.ins().imul(al, bl);
                let (ah, bh) = (self.widen(a, true, true), self.widen(b, true, true));
                let hi = self.builder.ins().imul(ah, bh);
                let d16 = self.builder.ins().iadd_pairwise(lo, hi);
                let lo32 = self.widen(d16, false, true);
                let hi32 = self.widen(d16, true, true);
                let d32 = self.builder.ins().iadd_pairwise(lo32, hi32);
                let r = self.builder.ins().iadd(d32, acc);
                self.push_lanes(r);
            }

            // ---- float arithmetic ----
            O::F32x4Abs | O::F64x2Abs => self.vunop(ty, |t, a| t.builder.ins().fabs(a)),
            O::F32x4Neg | O::F64x2Neg => self.vunop(ty, |t, a| t.builder.ins().fneg(a)),
            O::F32x4Sqrt | O::F64x2Sqrt => self.vunop(ty, |t, a| t.builder.ins().sqrt(a)),
            O::F32x4Ceil | O::F64x2Ceil => self.vunop(ty, |t, a| t.builder.ins().ceil(a)),
            O::F32x4Floor | O::F64x2Floor => self.vunop(ty, |t, a| t.builder.ins().floor(a)),
            O::F32x4Trunc | O::F64x2Trunc => self.vunop(ty, |t, a| t.builder.ins().trunc(a)),
            O::F32x4Nearest | O::F64x2Nearest => self.vunop(ty, |t, a| t.builder.ins().nearest(a)),
            O::F32x4Add | O::F64x2Add => self.vbinop(ty, |t, a, b| t.builder.ins().fadd(a, b)),
            O::F32x4Sub | O::F64x2Sub => self.vbinop(ty, |t, a, b| t.builder.ins().fsub(a, b)),
            O::F32x4Mul | O::F64x2Mul => self.vbinop(ty, |t, a, b| t.builder.ins().fmul(a, b)),
            O::F32x4Div | O::F64x2Div => self.vbinop(ty, |t, a, b| t.builder.ins().fdiv(a, b)),
            O::F32x4Min | O::F64x2Min | O::F32x4RelaxedMin | O::F64x2RelaxedMin => {
                self.vbinop(ty, |t, a, b| t.builder.ins().fmin(a, b))
            }
            O::F32x4Max | O::F64x2Max | O::F32x4RelaxedMax | O::F64x2RelaxedMax => {
                self.vbinop(ty, |t, a, b| t.builder.ins().fmax(a, b))
            }
            O::F32x4PMin | O::F64x2PMin => self.pminmax(ty, false),
            O::F32x4PMax | O::F64x2PMax => self.pminmax(ty, true),
            O::F32x4RelaxedMadd | O::F64x2RelaxedMadd => {
                let (a, b, c) = self.pop3_lanes(ty);
                let m = self.builder.ins().fmul(a, b);
                let r = self.builder.ins().fadd(m, c);
                self.push_lanes(r);
            }
            O::F32x4RelaxedNmadd | O::F64x2RelaxedNmadd => {
                let (a, b, c) = self.pop3_lanes(ty);
                let a = self.builder.ins().fneg(a);
                let m = self.builder.ins().fmul(a, b);
                let r = self.builder.ins().fadd(m, c);
                self.push_lanes(r);
            }

            // ---- conversions ----
            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
                self.vunop(F32X4, |t, a| t.builder.ins().fcvt_to_sint_sat(I32X4, a))
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
                self.vunop(F32X4, |t, a| t.builder.ins().fcvt_to_uint_sat(I32X4, a))
            }
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => {
                self.vunop(F64X2, |t, a| {
                    let wide = t.builder.ins().fcvt_to_sint_sat(I64X2, a);
                    let zero = t.vconst(I64X2, [0; 16]);
                    t.builder.ins().snarrow(wide, zero)
                })
            }
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
                self.vunop(F64X2, |t, a| {
                    let wide = t.builder.ins().fcvt_to_uint_sat(I64X2, a);
                    let zero = t.vconst(I64X2, [0; 16]);
                    t.builder.ins().uunarrow(wide, zero)
                })
            }
            O::F32x4ConvertI32x4S => {
                self.vunop(I32X4, |t, a| t.builder.ins().fcvt_from_sint(F32X4, a))
            }
            O::F32x4ConvertI32x4U => {
                self.vunop(I32X4, |t, a| t.builder.ins().fcvt_from_uint(F32X4, a))
            }
            O::F64x2ConvertLowI32x4S => self.vunop(I32X4, |t, a| {
                let wide = t.widen(a, false, true);
                t.builder.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.vunop(I32X4, |t, a| {
                let wide = t.widen(a, false, false);
                t.builder.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::F32x4DemoteF64x2Zero => self.vunop(F64X2, |t, a| t.builder.ins().fvdemote(a)),
            O::F64x2PromoteLowF32x4 => self.vunop(F32X4, |t, a| t.builder.ins().fvpromote_low(a)),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        self.vbinop(ty, |t, a, b| t.builder.ins().icmp(cc, a, b));
    }

    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        self.vbinop(ty, |t, a, b| t.builder.ins().fcmp(cc, a, b));
    }

    fn load_splat(&mut self, memarg: &MemArg, ty: Type) -> Result<(), CompileError> {
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let r = self.builder.ins().splat(ty, x);
        self.push_lanes(r);
        Ok(())
    }

    fn load_zero(&mut self, memarg: &MemArg, ty: Type) -> Result<(), CompileError> {
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let r = self.builder.ins().scalar_to_vector(ty, x);
        self.push_lanes(r);
        Ok(())
    }

    /// `v128.loadN_lane`: the vector is on top of the address.
    fn load_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<(), CompileError> {
        let v = self.pop_lanes(ty);
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let r = self.builder.ins().insertlane(v, x, lane);
        self.push_lanes(r);
        Ok(())
    }

    /// `v128.storeN_lane`: the vector is on top of the address.
    fn store_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<(), CompileError> {
        let v = self.pop_lanes(ty);
        let x = self.builder.ins().extractlane(v, lane);
        let (addr, offset) = self.heap_addr(memarg, ty.lane_type().bytes())?;
        self.builder.ins().store(heap_flags(), x, addr, offset);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_shapes_come_from_the_operator_name() {
        assert_eq!(lane_ty(&Operator::I16x8Add), I16X8);
        assert_eq!(lane_ty(&Operator::F64x2PMin), F64X2);
        assert_eq!(lane_ty(&Operator::V128And), I8X16);
        assert_eq!(lane_ty(&Operator::Nop), I8X16);
    }
}
