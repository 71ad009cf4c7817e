//! Numeric operators: constants, arithmetic, comparisons, conversions.
//!
//! Cranelift's semantics match Wasm's for these (spec §4.3 "Numerics"): `sdiv`/`udiv` trap on
//! a zero divisor and `sdiv` on overflow, `srem` of `MIN % -1` is 0, `fmin`/`fmax` propagate
//! NaN and order the zeros, shifts and rotates take their count modulo the bit width, and
//! `fcvt_to_*int` trap on NaN ("invalid conversion to integer") and on overflow ("integer
//! overflow").

use cranelift_codegen::ir::{
    InstBuilder, Type, Value,
    condcodes::{FloatCC, IntCC},
    immediates::{Ieee32, Ieee64},
    types::{F32, F64, I8, I16, I32, I64},
};
use wasmparser::Operator;

use super::FuncTranslator;
use crate::error::CompileError;

impl FuncTranslator<'_, '_, '_> {
    fn unop(&mut self, f: impl FnOnce(&mut Self, Value) -> Value) {
        let a = self.pop();
        let v = f(self, a);
        self.push(v);
    }

    fn binop(&mut self, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let (a, b) = self.pop2();
        let v = f(self, a, b);
        self.push(v);
    }

    fn icmp(&mut self, cc: IntCC) {
        self.binop(|t, a, b| {
            let c = t.builder.ins().icmp(cc, a, b);
            t.builder.ins().uextend(I32, c)
        });
    }

    fn fcmp(&mut self, cc: FloatCC) {
        self.binop(|t, a, b| {
            let c = t.builder.ins().fcmp(cc, a, b);
            t.builder.ins().uextend(I32, c)
        });
    }

    fn eqz(&mut self) {
        self.unop(|t, a| {
            let c = t.builder.ins().icmp_imm_u(IntCC::Equal, a, 0);
            t.builder.ins().uextend(I32, c)
        });
    }

    /// Sign-extends the low `from` bits of a `to` value in place (`i32.extend8_s` etc.).
    fn extend_in_place(&mut self, from: Type, to: Type) {
        self.unop(|t, a| {
            let r = t.builder.ins().ireduce(from, a);
            t.builder.ins().sextend(to, r)
        });
    }

    /// Translates `op` if it is numeric; returns whether it was.
    pub(super) fn numeric(&mut self, op: &Operator<'_>) -> Result<bool, CompileError> {
        use Operator as O;
        match *op {
            O::I32Const { value } => {
                let v = self.builder.ins().iconst(I32, value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.builder.ins().iconst(I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.builder.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.builder.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            O::I32Eqz | O::I64Eqz => self.eqz(),
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),

            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            O::I32Clz | O::I64Clz => self.unop(|t, a| t.builder.ins().clz(a)),
            O::I32Ctz | O::I64Ctz => self.unop(|t, a| t.builder.ins().ctz(a)),
            O::I32Popcnt | O::I64Popcnt => self.unop(|t, a| t.builder.ins().popcnt(a)),
            O::I32Add | O::I64Add => self.binop(|t, a, b| t.builder.ins().iadd(a, b)),
            O::I32Sub | O::I64Sub => self.binop(|t, a, b| t.builder.ins().isub(a, b)),
            O::I32Mul | O::I64Mul => self.binop(|t, a, b| t.builder.ins().imul(a, b)),
            O::I32DivS | O::I64DivS => self.binop(|t, a, b| t.builder.ins().sdiv(a, b)),
            O::I32DivU | O::I64DivU => self.binop(|t, a, b| t.builder.ins().udiv(a, b)),
            O::I32RemS | O::I64RemS => self.binop(|t, a, b| t.builder.ins().srem(a, b)),
            O::I32RemU | O::I64RemU => self.binop(|t, a, b| t.builder.ins().urem(a, b)),
            O::I32And | O::I64And => self.binop(|t, a, b| t.builder.ins().band(a, b)),
            O::I32Or | O::I64Or => self.binop(|t, a, b| t.builder.ins().bor(a, b)),
            O::I32Xor | O::I64Xor => self.binop(|t, a, b| t.builder.ins().bxor(a, b)),
            O::I32Shl | O::I64Shl => self.binop(|t, a, b| t.builder.ins().ishl(a, b)),
            O::I32ShrS | O::I64ShrS => self.binop(|t, a, b| t.builder.ins().sshr(a, b)),
            O::I32ShrU | O::I64ShrU => self.binop(|t, a, b| t.builder.ins().ushr(a, b)),
            O::I32Rotl | O::I64Rotl => self.binop(|t, a, b| t.builder.ins().rotl(a, b)),
            O::I32Rotr | O::I64Rotr => self.binop(|t, a, b| t.builder.ins().rotr(a, b)),

            O::F32Abs | O::F64Abs => self.unop(|t, a| t.builder.ins().fabs(a)),
            O::F32Neg | O::F64Neg => self.unop(|t, a| t.builder.ins().fneg(a)),
            O::F32Ceil | O::F64Ceil => self.unop(|t, a| t.builder.ins().ceil(a)),
            O::F32Floor | O::F64Floor => self.unop(|t, a| t.builder.ins().floor(a)),
            O::F32Trunc | O::F64Trunc => self.unop(|t, a| t.builder.ins().trunc(a)),
            O::F32Nearest | O::F64Nearest => self.unop(|t, a| t.builder.ins().nearest(a)),
            O::F32Sqrt | O::F64Sqrt => self.unop(|t, a| t.builder.ins().sqrt(a)),
            O::F32Add | O::F64Add => self.binop(|t, a, b| t.builder.ins().fadd(a, b)),
            O::F32Sub | O::F64Sub => self.binop(|t, a, b| t.builder.ins().fsub(a, b)),
            O::F32Mul | O::F64Mul => self.binop(|t, a, b| t.builder.ins().fmul(a, b)),
            O::F32Div | O::F64Div => self.binop(|t, a, b| t.builder.ins().fdiv(a, b)),
            O::F32Min | O::F64Min => self.binop(|t, a, b| t.builder.ins().fmin(a, b)),
            O::F32Max | O::F64Max => self.binop(|t, a, b| t.builder.ins().fmax(a, b)),
            O::F32Copysign | O::F64Copysign => {
                self.binop(|t, a, b| t.builder.ins().fcopysign(a, b))
            }

            O::I32WrapI64 => self.unop(|t, a| t.builder.ins().ireduce(I32, a)),
            O::I64ExtendI32S => self.unop(|t, a| t.builder.ins().sextend(I64, a)),
            O::I64ExtendI32U => self.unop(|t, a| t.builder.ins().uextend(I64, a)),
            O::I32Extend8S => self.extend_in_place(I8, I32),
            O::I32Extend16S => self.extend_in_place(I16, I32),
            O::I64Extend8S => self.extend_in_place(I8, I64),
            O::I64Extend16S => self.extend_in_place(I16, I64),
            O::I64Extend32S => self.extend_in_place(I32, I64),

            O::I32TruncF32S | O::I32TruncF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint(I32, a))
            }
            O::I32TruncF32U | O::I32TruncF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint(I32, a))
            }
            O::I64TruncF32S | O::I64TruncF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint(I64, a))
            }
            O::I64TruncF32U | O::I64TruncF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint(I64, a))
            }
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint_sat(I32, a))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint_sat(I32, a))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unop(|t, a| t.builder.ins().fcvt_to_sint_sat(I64, a))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unop(|t, a| t.builder.ins().fcvt_to_uint_sat(I64, a))
            }
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unop(|t, a| t.builder.ins().fcvt_from_sint(F32, a))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unop(|t, a| t.builder.ins().fcvt_from_uint(F32, a))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unop(|t, a| t.builder.ins().fcvt_from_sint(F64, a))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unop(|t, a| t.builder.ins().fcvt_from_uint(F64, a))
            }
            O::F32DemoteF64 => self.unop(|t, a| t.builder.ins().fdemote(F32, a)),
            O::F64PromoteF32 => self.unop(|t, a| t.builder.ins().fpromote(F64, a)),
            O::I32ReinterpretF32 => self.unop(|t, a| t.bitcast(I32, a)),
            O::I64ReinterpretF64 => self.unop(|t, a| t.bitcast(I64, a)),
            O::F32ReinterpretI32 => self.unop(|t, a| t.bitcast(F32, a)),
            O::F64ReinterpretI64 => self.unop(|t, a| t.bitcast(F64, a)),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn bitcast(&mut self, ty: Type, a: Value) -> Value {
        self.builder.ins().bitcast(ty, cranelift_codegen::ir::MemFlagsData::new(), a)
    }
}
