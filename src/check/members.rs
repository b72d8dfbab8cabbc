//! Names, fields and calls that refer to declared classes: fields by bare
//! name inside a class, `Class.staticMember`, enum constants, `obj.field`,
//! `obj.method()`, `super.method()` and `new Class(...)`.

use super::class::{FieldInfo, Kind};
use super::expr::typed;
use super::ir::{Const, EnumConst, Expr, ExprKind};
use super::types::Type;
use super::{Checked, Checker, Reported};
use crate::syntax::ast::{self, ExprKind as E};
use crate::syntax::source::Span;

impl Checker {
    /// A bare name that is no local: a field of the class being checked.
    pub(super) fn class_name_ref(&mut self, ident: &ast::Ident) -> Option<Checked<Expr>> {
        let class = self.class?;
        let mut field = self.find_field(class, &ident.name)?;
        // Inside its own accessors a property's name is its backing field.
        if self
            .accessor
            .as_ref()
            .is_some_and(|(c, name)| *c == class && *name == field.name)
        {
            field.prop = None;
        }
        if field.is_static && field.prop.is_some() {
            return Some(Ok(self.prop_expr(None, &field, &ident.span)));
        }
        if field.is_static {
            return Some(Ok(typed(
                ExprKind::Static(field.index),
                field.ty,
                &ident.span,
            )));
        }
        if self.static_ctx {
            let msg = format!("Variable does not exist: {}", ident.name);
            return Some(Err(self.error(
                msg,
                &ident.span,
                "an instance field, in static code",
            )));
        }
        let this = self.this_expr(class);
        if field.prop.is_some() {
            return Some(Ok(self.prop_expr(Some(this), &field, &ident.span)));
        }
        let kind = ExprKind::ObjField {
            target: Box::new(this),
            index: field.index,
        };
        Some(Ok(typed(kind, field.ty, &ident.span)))
    }

    /// A read of a field, through its `get` accessor when it is a property
    /// with one (or a `set` body: the read then takes the backing field).
    fn prop_expr(&self, target: Option<Expr>, field: &FieldInfo, span: &Span) -> Expr {
        let kind = match (field.prop, target) {
            (Some(prop), target) => ExprKind::Prop {
                target: target.map(Box::new),
                prop,
            },
            (None, Some(target)) if !field.is_static => ExprKind::ObjField {
                target: Box::new(target),
                index: field.index,
            },
            (None, _) => ExprKind::Static(field.index),
        };
        typed(kind, field.ty.clone(), span)
    }

    /// True when `name` is a field of the class being checked (or a superclass).
    pub(super) fn is_own_field(&self, name: &ast::Name) -> bool {
        self.class
            .is_some_and(|c| self.find_field(c, name).is_some())
    }

    /// `Class.field` or `Enum.CONSTANT`, when `target` names a declared type.
    pub(super) fn static_member(
        &mut self,
        target: &ast::Expr,
        field: &ast::Ident,
    ) -> Option<Checked<Expr>> {
        let E::Name(name) = &target.kind else {
            return None;
        };
        if self.lookup(&name.name).is_some() {
            return None;
        }
        let class = self.class_named(&name.name)?;
        let span = target.span.start..field.span.end;
        if self.classes[class].kind == Kind::Enum {
            let found = self.classes[class]
                .values
                .iter()
                .find(|v| field.name.is(&v.name))
                .cloned();
            return Some(match found {
                Some(v) => Ok(self.enum_const(class, v, &span)),
                None => {
                    let msg = format!("Variable does not exist: {}", field.name);
                    Err(self.error(msg, &field.span, "no such enum constant"))
                }
            });
        }
        Some(match self.find_field(class, &field.name) {
            Some(f) if f.is_static => Ok(self.prop_expr(None, &f, &span)),
            _ => {
                let msg = format!("Variable does not exist: {}", field.name);
                Err(self.error(msg, &field.span, "no such static field"))
            }
        })
    }

    fn enum_const(&self, class: usize, v: std::rc::Rc<EnumConst>, span: &Span) -> Expr {
        let ty = Type::Class(self.classes[class].reference(class));
        typed(ExprKind::Const(Const::Enum(v)), ty, span)
    }

    /// `obj.field` on an object of a declared class.
    pub(super) fn object_field(
        &mut self,
        target: Expr,
        field: &ast::Ident,
        span: &Span,
    ) -> Checked<Expr> {
        let Type::Class(c) = &target.ty else {
            return Err(Reported);
        };
        match self.find_field(c.id, &field.name) {
            Some(f) if !f.is_static => Ok(self.prop_expr(Some(target), &f, span)),
            Some(f) => Ok(self.prop_expr(None, &f, span)),
            None => {
                let msg = format!("Variable does not exist: {}", field.name);
                Err(self.error(msg, &field.span, "no such field"))
            }
        }
    }

    /// A call with no receiver inside a class: one of its methods (or an
    /// inherited one); instance methods are called on `this`, virtually.
    /// Hands the arguments back when no method of the class fits.
    pub(super) fn own_method_call(
        &mut self,
        method: &ast::Ident,
        args: Vec<Expr>,
        span: &Span,
    ) -> Checked<Result<Expr, Vec<Expr>>> {
        let Some(class) = self.class else {
            return Ok(Err(args));
        };
        let candidates = self.methods_named(class, &method.name);
        let Some(f) = self.pick(&candidates, &args) else {
            return Ok(Err(args));
        };
        let receiver = if self.functions[f].is_static {
            None
        } else if self.static_ctx {
            let msg = format!(
                "Non static method cannot be referenced from a static context: {}",
                method.name
            );
            return Err(self.error(msg, &method.span, "needs an instance"));
        } else {
            Some(self.this_expr(class))
        };
        self.method_call(f, receiver, args, span, true).map(Ok)
    }

    /// `Class.staticMethod(args)` and `Enum.values()`.
    pub(super) fn class_static_call(
        &mut self,
        class_name: &ast::Ident,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Option<Checked<Expr>> {
        if self.lookup(&class_name.name).is_some() {
            return None;
        }
        if class_name.name.is("super") {
            return Some(self.super_call(method, args, span));
        }
        let class = self.class_named(&class_name.name)?;
        Some(self.static_call_on(class, method, args, span))
    }

    fn static_call_on(
        &mut self,
        class: usize,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        if self.classes[class].kind == Kind::Enum && method.name.is("values") && args.is_empty() {
            let elem = Type::Class(self.classes[class].reference(class));
            return Ok(typed(
                ExprKind::EnumValues(class),
                Type::List(Box::new(elem)),
                span,
            ));
        }
        let candidates: Vec<usize> = self
            .methods_named(class, &method.name)
            .into_iter()
            .filter(|&f| self.functions[f].is_static)
            .collect();
        match self.pick(&candidates, &args) {
            Some(f) => self.method_call(f, None, args, span, false),
            None => Err(self.no_method(method, &args, &self.classes[class].name.to_string())),
        }
    }

    /// `super.method(args)`: the superclass's implementation, not a virtual call.
    fn super_call(
        &mut self,
        method: &ast::Ident,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        let parent = self.class.and_then(|c| self.classes[c].parent);
        let (Some(class), Some(parent)) = (self.class, parent) else {
            let msg = "super is not allowed here: the class has no superclass";
            return Err(self.error(msg, span, "no superclass"));
        };
        let candidates = self.methods_named(parent, &method.name);
        let Some(f) = self.pick(&candidates, &args) else {
            return Err(self.no_method(method, &args, &self.classes[parent].name.to_string()));
        };
        let this = self.this_expr(class);
        self.method_call(f, Some(this), args, span, false)
    }

    /// `obj.method(args)` on an object of a declared class or enum.
    pub(super) fn object_call(
        &mut self,
        receiver: Expr,
        method: &ast::Ident,
        args: Vec<Expr>,
        span: &Span,
    ) -> Checked<Expr> {
        let Type::Class(c) = &receiver.ty else {
            return Err(Reported);
        };
        let class = c.id;
        if self.classes[class].kind == Kind::Enum && args.is_empty() {
            let builtin = match method.name.folded() {
                "name" => Some((crate::stdlib::Builtin::EnumName, Type::String)),
                "ordinal" => Some((crate::stdlib::Builtin::EnumOrdinal, Type::Integer)),
                _ => None,
            };
            if let Some((b, ty)) = builtin {
                return Ok(typed(
                    ExprKind::Builtin {
                        method: b,
                        args: vec![receiver],
                    },
                    ty,
                    span,
                ));
            }
        }
        let candidates = self.methods_named(class, &method.name);
        let Some(f) = self.pick(&candidates, &args) else {
            return Err(self.no_method(method, &args, &self.classes[class].name.to_string()));
        };
        let receiver = (!self.functions[f].is_static).then_some(receiver);
        self.method_call(f, receiver, args, span, true)
    }

    /// A call of function `f`: virtual through its selector when asked and
    /// possible, direct otherwise.
    fn method_call(
        &mut self,
        f: usize,
        receiver: Option<Expr>,
        args: Vec<Expr>,
        span: &Span,
        virtual_call: bool,
    ) -> Checked<Expr> {
        let args = self.convert_args(f, args)?;
        let ret = self.functions[f].ret.clone();
        let selector = self.functions[f].selector;
        let mut all = Vec::with_capacity(args.len() + 1);
        all.extend(receiver);
        all.extend(args);
        let kind = match selector {
            Some(selector) if virtual_call => ExprKind::Invoke {
                selector,
                args: all,
            },
            _ => ExprKind::Call {
                function: f,
                args: all,
            },
        };
        Ok(typed(kind, ret, span))
    }

    /// `new C(args)`.
    pub(super) fn new_object(
        &mut self,
        class: usize,
        args: &[ast::Expr],
        span: &Span,
    ) -> Checked<Expr> {
        let name = self.classes[class].name.to_string();
        match self.classes[class].kind {
            Kind::Class if self.classes[class].is_abstract => {
                let msg = format!("Abstract classes cannot be constructed: {name}");
                return Err(self.error(msg, span, "abstract"));
            }
            Kind::Class => {}
            Kind::Interface | Kind::Enum => {
                let msg = format!("Type cannot be constructed: {name}");
                return Err(self.error(msg, span, "not a class"));
            }
        }
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        let ctors = self.classes[class].ctors.clone();
        let Some(ctor) = self.pick(&ctors, &args) else {
            let msg = format!(
                "Constructor not defined: [{name}].<Constructor>({})",
                arg_list(&args)
            );
            return Err(self.error(msg, span, "no constructor takes these arguments"));
        };
        let args = self.convert_args(ctor, args)?;
        let ty = Type::Class(self.classes[class].reference(class));
        Ok(typed(ExprKind::NewObject { class, ctor, args }, ty, span))
    }

    fn no_method(&mut self, method: &ast::Ident, args: &[Expr], owner: &str) -> Reported {
        let msg = format!(
            "Method does not exist or incorrect signature: void {}({}) from the type {owner}",
            method.name,
            arg_list(args)
        );
        self.error(msg, &method.span, "no such method")
    }

    /// An enum constant named in a `when` clause of a switch on that enum.
    pub(super) fn when_enum(&mut self, subject: &Type, v: &ast::Expr) -> Option<Checked<Expr>> {
        let (Type::Class(c), E::Name(name)) = (subject, &v.kind) else {
            return None;
        };
        if self.classes[c.id].kind != Kind::Enum {
            return None;
        }
        let found = self.classes[c.id]
            .values
            .iter()
            .find(|x| name.name.is(&x.name))
            .cloned();
        Some(match found {
            Some(value) => Ok(self.enum_const(c.id, value, &v.span)),
            None => {
                let msg = format!("Invalid enum value: {}", name.name);
                Err(self.error(msg, &v.span, "not a constant of this enum"))
            }
        })
    }
}

fn arg_list(args: &[Expr]) -> String {
    args.iter()
        .map(|a| a.ty.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
