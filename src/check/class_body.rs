//! Checking the code inside classes: methods, constructors (with their
//! implicit superclass call and field initialisers), and static initialisers.

use super::class::{Decl, Kind};
use super::ir::{Expr, ExprKind, Function, Place, Stmt};
use super::types::Type;
use super::{Checked, Checker, Signature};
use crate::syntax::ast::{self, Member, Modifier, Name, StmtKind, TypeDecl, TypeDeclKind};
use crate::syntax::source::Span;

/// What a constructor body needs to build its prologue.
pub(super) struct Ctor<'a> {
    /// The class constructed.
    pub class: usize,
    /// Its leading `this(...)` (true) or `super(...)` (false) call, if any.
    pub first: Option<(bool, &'a [ast::Expr])>,
    /// Where errors about the chained call point.
    pub span: Span,
}

/// Functions the checker adds to the program itself.
#[derive(Clone, Debug, Default)]
pub(super) struct Synthesized {
    /// Each class's static initialiser (`<clinit>`: static field
    /// initialisers and static blocks), by class id; `None` for a class
    /// without static code.
    pub class_init: Vec<Option<usize>>,
}

fn synthetic(name: &str, owner: Option<usize>, is_static: bool, is_ctor: bool) -> Signature {
    Signature {
        name: Name::new(name),
        params: Vec::new(),
        ret: Type::Void,
        owner,
        is_static,
        is_ctor,
        is_abstract: false,
        selector: None,
    }
}

impl Checker {
    /// Adds each class's field-initialiser function, a default constructor
    /// where none is declared, and each class's static initialiser.
    pub(super) fn declare_synthesized(&mut self, decls: &[Decl<'_>]) -> Synthesized {
        for id in 0..self.classes.len() {
            if self.classes[id].kind != Kind::Class {
                continue;
            }
            self.functions
                .push(synthetic("<init>", Some(id), false, false));
            self.classes[id].init = Some(self.functions.len() - 1);
            if self.classes[id].ctors.is_empty() {
                let name = self.classes[id].name.to_string();
                self.functions.push(synthetic(&name, Some(id), false, true));
                self.classes[id].ctors.push(self.functions.len() - 1);
            }
        }
        let mut class_init = vec![None; self.classes.len()];
        for (id, d) in decls.iter().enumerate() {
            if has_static_code(d.decl) {
                self.functions
                    .push(synthetic("<clinit>", Some(id), true, false));
                class_init[id] = Some(self.functions.len() - 1);
            }
        }
        Synthesized { class_init }
    }

    /// Which class must be initialised before each function runs and before
    /// each static field is used: a class is initialised on first use, as
    /// Apex does, and only classes with static code (their own or a
    /// superclass's) need it. See [`crate::check::ir::Program::init_guard`].
    pub(super) fn init_guards(
        &self,
        class_init: &[Option<usize>],
    ) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
        let needs_init = |class: usize| {
            let mut next = Some(class);
            while let Some(c) = next {
                if class_init.get(c).copied().flatten().is_some() {
                    return Some(class);
                }
                next = self.classes[c].parent;
            }
            None
        };
        let functions = self
            .functions
            .iter()
            .enumerate()
            .map(|(index, f)| match f.owner {
                Some(c)
                    if (f.is_static || f.is_ctor) && class_init.get(c) != Some(&Some(index)) =>
                {
                    needs_init(c)
                }
                _ => None,
            })
            .collect();
        let statics = self.static_owner.iter().map(|&c| needs_init(c)).collect();
        (functions, statics)
    }

    /// Checks every class's code and returns the functions with their indexes.
    pub(super) fn class_bodies(
        &mut self,
        decls: &[Decl<'_>],
        synthesized: &Synthesized,
    ) -> Vec<(usize, Function)> {
        let mut out = Vec::new();
        for (id, d) in decls.iter().enumerate() {
            let (TypeDeclKind::Class(body) | TypeDeclKind::Interface(body)) = &d.decl.kind else {
                continue;
            };
            self.file = d.file;
            self.class_methods(id, body, &mut out);
            if self.classes[id].kind == Kind::Class {
                self.class_init(id, body, &mut out);
                self.default_ctor(id, &mut out);
            }
        }
        for (id, init) in synthesized.class_init.iter().enumerate() {
            let (Some(index), TypeDeclKind::Class(body)) = (*init, &decls[id].decl.kind) else {
                continue;
            };
            self.file = decls[id].file;
            let (params, body) = self.in_frame(index, Some(id), |c| c.static_code(id, body));
            let slots = self.last_frame_slots;
            out.push((
                index,
                Function {
                    name: format!("Class.{}.<clinit>", self.classes[id].name),
                    file: self.file,
                    params,
                    slots,
                    body,
                },
            ));
        }
        out
    }

    fn class_methods(
        &mut self,
        id: usize,
        body: &ast::ClassBody,
        out: &mut Vec<(usize, Function)>,
    ) {
        let (mut methods, mut ctors) = (0, 0);
        for m in &body.members {
            match m {
                Member::Property(p) => self.accessor_bodies(id, p, out),
                Member::Method(decl) => {
                    let index = self.classes[id].methods[methods];
                    methods += 1;
                    out.push((index, self.method_body(index, decl, Some(id), None)));
                }
                Member::Constructor(decl) => {
                    let index = self.classes[id].ctors[ctors];
                    ctors += 1;
                    let function = self.ctor_body(id, index, decl);
                    out.push((index, function));
                }
                _ => {}
            }
        }
    }

    /// Checks the accessors with bodies of property `p` of class `id`.
    fn accessor_bodies(
        &mut self,
        id: usize,
        p: &ast::PropertyDecl,
        out: &mut Vec<(usize, Function)>,
    ) {
        let Some(prop) = self.find_field(id, &p.name.name).and_then(|f| f.prop) else {
            return;
        };
        let property = self.properties[prop];
        let saved = self.accessor.replace((id, p.name.name.clone()));
        for (function, setter) in [(property.getter, false), (property.setter, true)] {
            if let Some(index) = function {
                let decl = super::class::accessor_decl(p, setter);
                out.push((index, self.method_body(index, &decl, Some(id), None)));
            }
        }
        self.accessor = saved;
    }

    /// A constructor runs, before its own statements, the superclass
    /// constructor (its explicit `super(...)` or the no-argument one) and the
    /// field initialisers; one that starts with `this(...)` leaves both to
    /// the constructor it chains to.
    fn ctor_body(&mut self, id: usize, index: usize, decl: &ast::MethodDecl) -> Function {
        let stmts = decl.body.as_deref().unwrap_or_default();
        let first_call = stmts.first().and_then(chained_call);
        let mut trimmed = decl.clone();
        if first_call.is_some() {
            trimmed.body = Some(stmts[1..].to_vec());
        }
        let span = stmts.first().map_or(decl.span.clone(), |s| s.span.clone());
        let ctor = Ctor {
            class: id,
            first: first_call,
            span,
        };
        self.method_body(index, &trimmed, Some(id), Some(ctor))
    }

    pub(super) fn prologue(
        &mut self,
        id: usize,
        first: Option<(bool, &[ast::Expr])>,
        span: &Span,
    ) -> Checked<Vec<Stmt>> {
        let this = self.this_expr(id);
        let mut out = Vec::new();
        match first {
            Some((true, args)) => {
                out.push(self.ctor_call(id, args, span)?);
                return Ok(out);
            }
            Some((false, args)) => {
                let Some(parent) = self.classes[id].parent else {
                    let msg = "Call to super() but the class has no superclass";
                    return Err(self.error(msg, span, "nothing to call"));
                };
                out.push(self.ctor_call(parent, args, span)?);
            }
            None => {
                if let Some(parent) = self.classes[id].parent {
                    out.push(self.ctor_call(parent, &[], span)?);
                }
            }
        }
        if let Some(init) = self.classes[id].init {
            let call = ExprKind::Call {
                function: init,
                args: vec![this],
            };
            out.push(Stmt::Expr(Expr {
                kind: call,
                ty: Type::Void,
                span: span.clone(),
            }));
        }
        Ok(out)
    }

    /// `this` inside instance code of class `id`.
    pub(super) fn this_expr(&self, id: usize) -> Expr {
        let ty = Type::Class(self.classes[id].reference(id));
        Expr {
            kind: ExprKind::Local(0),
            ty,
            span: 0..0,
        }
    }

    /// A call of one of `class`'s constructors on `this`.
    fn ctor_call(&mut self, class: usize, args: &[ast::Expr], span: &Span) -> Checked<Stmt> {
        let args = args
            .iter()
            .map(|a| self.expr(a))
            .collect::<Checked<Vec<_>>>()?;
        let ctors = self.classes[class].ctors.clone();
        let Some(ctor) = self.pick(&ctors, &args) else {
            let msg = format!(
                "Constructor not defined: [{}].<Constructor>",
                self.classes[class].name
            );
            return Err(self.error(msg, span, "no constructor takes these arguments"));
        };
        let mut all = vec![self.this_expr(self.class.unwrap_or(class))];
        all.extend(self.convert_args(ctor, args)?);
        let call = ExprKind::Call {
            function: ctor,
            args: all,
        };
        Ok(Stmt::Expr(Expr {
            kind: call,
            ty: Type::Void,
            span: span.clone(),
        }))
    }

    /// The field initialisers and instance initialiser blocks, in order.
    fn class_init(&mut self, id: usize, body: &ast::ClassBody, out: &mut Vec<(usize, Function)>) {
        let Some(index) = self.classes[id].init else {
            return;
        };
        let (params, stmts) = self.in_frame(index, Some(id), |c| {
            let mut stmts = Vec::new();
            for m in &body.members {
                match m {
                    Member::Field(f) if !f.modifiers.has(Modifier::Static) => {
                        for (name, init) in &f.vars {
                            stmts.extend(c.field_init(id, name, init.as_ref()));
                        }
                    }
                    Member::Initializer {
                        is_static: false,
                        body,
                        ..
                    } => {
                        stmts.push(Stmt::Block(c.block(body)));
                    }
                    _ => {}
                }
            }
            stmts
        });
        let slots = self.last_frame_slots;
        out.push((
            index,
            Function {
                name: format!("Class.{}.<init>", self.classes[id].name),
                file: self.file,
                params,
                slots,
                body: stmts,
            },
        ));
    }

    fn default_ctor(&mut self, id: usize, out: &mut Vec<(usize, Function)>) {
        let index = self.classes[id].ctors[0];
        if out.iter().any(|(i, _)| *i == index) || !self.functions[index].params.is_empty() {
            return;
        }
        let (params, body) = self.in_frame(index, Some(id), |c| {
            c.prologue(id, None, &(0..0)).unwrap_or_default()
        });
        let slots = self.last_frame_slots;
        let name = format!("Class.{}.<init>", self.classes[id].name);
        out.push((
            index,
            Function {
                name,
                file: self.file,
                params,
                slots,
                body,
            },
        ));
    }

    /// `field = init;` for one declarator with an initialiser.
    fn field_init(
        &mut self,
        id: usize,
        name: &ast::Ident,
        init: Option<&ast::Expr>,
    ) -> Option<Stmt> {
        let init = init?;
        let field = self.find_field(id, &name.name)?;
        let value = self.expr_as(init, &field.ty).ok()?;
        let place = if field.is_static {
            Place::Static(field.index)
        } else {
            Place::ObjField {
                target: Box::new(self.this_expr(id)),
                index: field.index,
            }
        };
        let span = value.span.clone();
        let kind = ExprKind::Assign {
            place,
            value: Box::new(value),
        };
        Some(Stmt::Expr(Expr {
            kind,
            ty: field.ty,
            span,
        }))
    }

    /// Static field initialisers and static blocks of class `id`, in order.
    fn static_code(&mut self, id: usize, body: &ast::ClassBody) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        for m in &body.members {
            match m {
                Member::Field(f) if f.modifiers.has(Modifier::Static) => {
                    for (name, init) in &f.vars {
                        stmts.extend(self.field_init(id, name, init.as_ref()));
                    }
                }
                Member::Initializer {
                    is_static: true,
                    body,
                    ..
                } => {
                    stmts.push(Stmt::Block(self.block(body)));
                }
                _ => {}
            }
        }
        stmts
    }

    /// The best of `candidates` for these arguments: exact types first,
    /// then assignable ones.
    pub(super) fn pick(&self, candidates: &[usize], args: &[Expr]) -> Option<usize> {
        let fits = |f: &usize, exact: bool| {
            let params = &self.functions[*f].params;
            params.len() == args.len()
                && params.iter().zip(args).all(
                    |(p, a)| {
                        if exact { *p == a.ty } else { p.accepts(&a.ty) }
                    },
                )
        };
        let exact = candidates.iter().find(|f| fits(f, true));
        exact
            .or_else(|| candidates.iter().find(|f| fits(f, false)))
            .copied()
    }

    /// Converts arguments to the parameter types of function `f`.
    pub(super) fn convert_args(&mut self, f: usize, args: Vec<Expr>) -> Checked<Vec<Expr>> {
        let params = self.functions[f].params.clone();
        args.into_iter()
            .zip(&params)
            .map(|(a, p)| self.convert(a, p))
            .collect()
    }
}

/// `this(...)` (true) or `super(...)` (false) as a constructor's first statement.
fn chained_call(s: &ast::Stmt) -> Option<(bool, &[ast::Expr])> {
    let StmtKind::Expr(e) = &s.kind else {
        return None;
    };
    let ast::ExprKind::Call {
        target: None,
        method,
        args,
        ..
    } = &e.kind
    else {
        return None;
    };
    if method.name.is("this") {
        Some((true, args))
    } else if method.name.is("super") {
        Some((false, args))
    } else {
        None
    }
}

fn has_static_code(d: &TypeDecl) -> bool {
    let TypeDeclKind::Class(body) = &d.kind else {
        return false;
    };
    body.members.iter().any(|m| match m {
        Member::Field(f) => {
            f.modifiers.has(Modifier::Static) && f.vars.iter().any(|v| v.1.is_some())
        }
        Member::Initializer { is_static, .. } => *is_static,
        _ => false,
    })
}
