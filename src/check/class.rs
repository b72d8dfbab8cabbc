//! Declared classes, interfaces and enums: names, hierarchy, fields, methods,
//! constructors and dispatch tables, worked out before any body is checked so
//! members may be used before they are declared.
//!
//! Not enforced yet, and accepted as if correct: access modifiers, `override`
//! and `virtual` keywords, abstract methods left unimplemented, and interface
//! methods a class fails to implement (calling one fails at run time).

use std::collections::HashMap;
use std::rc::Rc;

use super::ir::{self, EnumConst};
use super::types::{ClassRef, Type};
use super::{Checker, Signature};
use crate::interp::exception::EXCEPTION;
use crate::syntax::ast::{self, Member, Modifier, Name, TypeDecl, TypeDeclKind};

/// What kind of type a declaration made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Class,
    Interface,
    Enum,
}

/// A field of a class: an index into the object, or into the statics.
#[derive(Clone, Debug)]
pub(super) struct FieldInfo {
    pub name: Name,
    pub ty: Type,
    pub is_static: bool,
    pub index: usize,
    /// For a property with an accessor body, its index in the program's
    /// properties; code outside its accessors goes through them.
    pub prop: Option<usize>,
}

/// Everything the checker knows about one declared type.
pub(super) struct ClassInfo {
    pub name: Name,
    pub kind: Kind,
    pub is_abstract: bool,
    /// Declared `virtual` (or `abstract`): other classes may extend it.
    pub extensible: bool,
    pub parent: Option<usize>,
    pub interfaces: Vec<usize>,
    pub fields: Vec<FieldInfo>,
    /// Function indexes of the methods declared here.
    pub methods: Vec<usize>,
    /// Function indexes of the constructors (a default one when none is declared).
    pub ctors: Vec<usize>,
    /// The function that runs the instance field initialisers.
    pub init: Option<usize>,
    /// Instance fields including inherited ones.
    pub size: usize,
    pub values: Vec<Rc<EnumConst>>,
    pub ancestors: Rc<[usize]>,
    /// The class a nested type is declared in.
    pub outer: Option<usize>,
    /// For an exception class, its exception type name.
    pub exception: Option<&'static str>,
}

impl ClassInfo {
    pub fn reference(&self, id: usize) -> ClassRef {
        ClassRef {
            id,
            name: Rc::from(self.name.as_str()),
            ancestors: self.ancestors.clone(),
        }
    }
}

/// A declaration with where it sits: the type it is nested in and its file.
#[derive(Clone, Copy)]
pub(super) struct Decl<'a> {
    pub decl: &'a TypeDecl,
    pub outer: Option<usize>,
    pub file: usize,
}

/// Flattens declarations (each with its file) with their nested types,
/// each type followed by the types nested in it; a type's id is its position
/// in the result. Types added after others therefore never move the ids of
/// those before them, which the REPL relies on when a later entry declares
/// a class.
pub(super) fn flatten(decls: &[(usize, TypeDecl)]) -> Vec<Decl<'_>> {
    let mut out = Vec::new();
    for (file, decl) in decls {
        push_nested(&mut out, decl, None, *file);
    }
    out
}

fn push_nested<'a>(out: &mut Vec<Decl<'a>>, decl: &'a TypeDecl, outer: Option<usize>, file: usize) {
    let index = out.len();
    out.push(Decl { decl, outer, file });
    for m in body(decl).map_or(&[][..], |b| &b.members[..]) {
        if let Member::Type(inner) = m {
            push_nested(out, inner, Some(index), file);
        }
    }
}

fn body(d: &TypeDecl) -> Option<&ast::ClassBody> {
    match &d.kind {
        TypeDeclKind::Class(b) | TypeDeclKind::Interface(b) => Some(b),
        TypeDeclKind::Enum(_) => None,
    }
}

impl Checker {
    /// Registers every type's name, then links superclasses and interfaces.
    pub(super) fn declare_classes(&mut self, decls: &[Decl<'_>]) {
        for &Decl {
            decl: d,
            outer,
            file,
        } in decls
        {
            self.file = file;
            let kind = match d.kind {
                TypeDeclKind::Class(_) => Kind::Class,
                TypeDeclKind::Interface(_) => Kind::Interface,
                TypeDeclKind::Enum(_) => Kind::Enum,
            };
            if self.class_names.contains_key(&d.name.name) {
                let msg = format!("Duplicate type name: {}", d.name.name);
                self.error(msg, &d.name.span, "declared twice");
            }
            let id = self.classes.len();
            self.class_names.insert(d.name.name.clone(), id);
            self.classes.push(ClassInfo {
                name: d.name.name.clone(),
                kind,
                is_abstract: d.modifiers.has(Modifier::Abstract) || kind == Kind::Interface,
                extensible: d.modifiers.has(Modifier::Abstract)
                    || d.modifiers.has(Modifier::Virtual),
                parent: None,
                interfaces: Vec::new(),
                fields: Vec::new(),
                methods: Vec::new(),
                ctors: Vec::new(),
                init: None,
                size: 0,
                values: Vec::new(),
                ancestors: Rc::from(vec![id]),
                outer,
                exception: None,
            });
        }
        for (id, d) in decls.iter().enumerate() {
            self.file = d.file;
            self.link_hierarchy(id, d.decl);
        }
        for id in 0..self.classes.len() {
            let ancestors = self.ancestors_of(id);
            self.classes[id].ancestors = Rc::from(ancestors);
        }
        self.link_exception_subclasses();
    }

    /// `class FooException extends Exception {}`: a custom exception type,
    /// thrown and caught like the platform's. Exception classes with members
    /// of their own are not supported yet.
    fn declare_exception(
        &mut self,
        id: usize,
        parent: &'static str,
        body: &ast::ClassBody,
        span: &crate::syntax::source::Span,
    ) {
        if !body.members.is_empty() {
            self.unsupported("members in exception classes", span);
        }
        let name = intern(self.classes[id].name.as_str());
        self.classes[id].exception = Some(name);
        self.exception_parents.push((name, parent));
    }

    /// Classes extending a custom exception class are exceptions too.
    fn link_exception_subclasses(&mut self) {
        let mut changed = true;
        while changed {
            changed = false;
            for id in 0..self.classes.len() {
                let parent = self.classes[id]
                    .parent
                    .and_then(|p| self.classes[p].exception);
                if let (None, Some(parent)) = (self.classes[id].exception, parent) {
                    let name = intern(self.classes[id].name.as_str());
                    self.classes[id].exception = Some(name);
                    self.classes[id].parent = None;
                    self.exception_parents.push((name, parent));
                    changed = true;
                }
            }
        }
    }

    fn link_hierarchy(&mut self, id: usize, d: &TypeDecl) {
        let Some(body) = body(d) else { return };
        if let Some(parent) = &body.extends {
            let names_exception = parent.path.last().is_some_and(|p| p.name.is("exception"));
            if names_exception && self.class_named(&Name::new("Exception")).is_none() {
                self.declare_exception(id, EXCEPTION, body, &d.span);
            } else {
                self.classes[id].parent = self.class_by_ref(parent);
            }
        }
        let interfaces: Vec<usize> = body
            .implements
            .iter()
            .filter_map(|t| self.class_by_ref(t))
            .collect();
        self.classes[id].interfaces = interfaces;
    }

    /// A declared type named by a type reference, reporting unknown names.
    fn class_by_ref(&mut self, t: &ast::TypeRef) -> Option<usize> {
        let last = t.path.last()?;
        match self.class_names.get(&last.name) {
            Some(&id) => Some(id),
            None => {
                let msg = format!("Invalid type: {}", last.name);
                self.error(msg, &t.span, "no such class or interface");
                None
            }
        }
    }

    /// The class, its superclasses and all interfaces, guarding against cycles.
    fn ancestors_of(&self, id: usize) -> Vec<usize> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let c = &self.classes[out[i]];
            for next in c.parent.iter().chain(&c.interfaces) {
                if !out.contains(next) {
                    out.push(*next);
                }
            }
            i += 1;
        }
        out
    }

    /// Classes in an order where every superclass comes before its subclasses.
    fn parent_first(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.classes.len());
        let mut placed = vec![false; self.classes.len()];
        for start in 0..self.classes.len() {
            let mut chain = vec![start];
            while let Some(p) = self.classes[*chain.last().unwrap_or(&start)].parent {
                if chain.contains(&p) || placed[p] {
                    break;
                }
                chain.push(p);
            }
            for &c in chain.iter().rev() {
                if !placed[c] {
                    placed[c] = true;
                    order.push(c);
                }
            }
        }
        order
    }

    /// Declares fields, methods, constructors and enum constants of every
    /// class, then builds the dispatch tables.
    pub(super) fn declare_members(&mut self, decls: &[Decl<'_>]) {
        for id in self.parent_first() {
            let d = decls[id].decl;
            self.file = decls[id].file;
            self.classes[id].size = self.classes[id].parent.map_or(0, |p| self.classes[p].size);
            match &d.kind {
                TypeDeclKind::Enum(values) => self.declare_enum(id, values),
                TypeDeclKind::Class(b) | TypeDeclKind::Interface(b) => self.declare_body(id, b),
            }
        }
    }

    /// The class-level rules the compiler enforces once members are known:
    /// only virtual or abstract classes may be extended, a concrete class
    /// implements every interface and abstract method it inherits, and an
    /// override keeps the return type of the method it replaces.
    pub(super) fn check_implementations(&mut self, decls: &[Decl<'_>]) {
        let tables = self.dispatch_tables();
        for (id, d) in decls.iter().enumerate() {
            self.file = d.file;
            let span = &d.decl.name.span;
            if let Some(p) = self.classes[id].parent
                && !self.classes[p].extensible
            {
                let msg = format!(
                    "Non-virtual and non-abstract type cannot be extended: {}",
                    self.classes[p].name
                );
                self.error(msg, span, "the superclass is neither virtual nor abstract");
            }
            self.check_overrides(id, span);
            if self.classes[id].kind == Kind::Class && !self.classes[id].is_abstract {
                self.check_implemented(id, &tables[id], span);
            }
        }
    }

    fn check_overrides(&mut self, id: usize, span: &crate::syntax::source::Span) {
        let Some(parent) = self.classes[id].parent else {
            return;
        };
        for &f in &self.classes[id].methods.clone() {
            let inherited = self.methods_named(parent, &self.functions[f].name);
            let clash = inherited.iter().find(|&&g| {
                self.functions[g].params == self.functions[f].params
                    && self.functions[g].ret != self.functions[f].ret
            });
            if let Some(&g) = clash {
                let msg = format!(
                    "Method return types clash: {} vs {}",
                    self.functions[f].ret, self.functions[g].ret
                );
                self.error(msg, span, "an override must keep the return type");
            }
        }
    }

    fn check_implemented(
        &mut self,
        id: usize,
        table: &[Option<usize>],
        span: &crate::syntax::source::Span,
    ) {
        let ancestors = self.classes[id].ancestors.clone();
        for &a in ancestors.iter() {
            for &f in &self.classes[a].methods.clone() {
                let Some(selector) = self.functions[f].selector else {
                    continue;
                };
                if !self.functions[f].is_abstract {
                    continue;
                }
                let implemented = table
                    .get(selector)
                    .copied()
                    .flatten()
                    .is_some_and(|g| !self.functions[g].is_abstract);
                if !implemented {
                    let sig = &self.functions[f];
                    let params: Vec<String> = sig.params.iter().map(Type::to_string).collect();
                    let msg = format!(
                        "Class {} must implement the method: {} {}.{}({})",
                        self.classes[id].name,
                        sig.ret,
                        self.classes[a].name,
                        sig.name,
                        params.join(", ")
                    );
                    self.error(msg, span, "missing an implementation");
                }
            }
        }
    }

    fn declare_enum(&mut self, id: usize, values: &[ast::Ident]) {
        self.classes[id].values = values
            .iter()
            .enumerate()
            .map(|(ordinal, v)| {
                Rc::new(EnumConst {
                    class: id,
                    ordinal,
                    name: Rc::from(v.name.as_str()),
                })
            })
            .collect();
    }

    fn declare_body(&mut self, id: usize, b: &ast::ClassBody) {
        for m in &b.members {
            match m {
                Member::Field(f) => {
                    let is_static = f.modifiers.has(Modifier::Static);
                    for (name, _) in &f.vars {
                        self.declare_field(id, name, &f.ty, is_static);
                    }
                }
                Member::Property(p) => {
                    let is_static = p.modifiers.has(Modifier::Static);
                    self.declare_field(id, &p.name, &p.ty, is_static);
                    if p.getter.iter().chain(&p.setter).any(|a| a.body.is_some()) {
                        self.declare_accessors(id, p, is_static);
                    }
                }
                Member::Method(m) => {
                    let f = self.declare_method(Some(id), m, m.modifiers.has(Modifier::Static));
                    self.classes[id].methods.push(f);
                }
                Member::Constructor(m) => {
                    let f = self.declare_method(Some(id), m, false);
                    self.classes[id].ctors.push(f);
                }
                Member::Initializer { .. } | Member::Type(_) => {}
            }
        }
    }

    fn declare_field(&mut self, id: usize, name: &ast::Ident, ty: &ast::TypeRef, is_static: bool) {
        let ty = self.resolve_type(ty).unwrap_or(Type::Object);
        if self.classes[id].fields.iter().any(|f| f.name == name.name) {
            let msg = format!("Duplicate field: {}", name.name);
            self.error(msg, &name.span, "declared twice");
        }
        let index = if is_static {
            self.static_owner.push(id);
            self.statics += 1;
            self.statics - 1
        } else {
            self.classes[id].size += 1;
            self.classes[id].size - 1
        };
        let field = FieldInfo {
            name: name.name.clone(),
            ty,
            is_static,
            index,
            prop: None,
        };
        self.classes[id].fields.push(field);
    }

    /// Declares the accessor functions of a property with a body in `get`
    /// or `set` (automatic ones stay plain reads and writes of the backing
    /// field) and links the property's field to them.
    fn declare_accessors(&mut self, id: usize, p: &ast::PropertyDecl, is_static: bool) {
        let function = |c: &mut Checker, accessor: &Option<ast::Accessor>, setter: bool| {
            accessor.as_ref().filter(|a| a.body.is_some())?;
            let decl = accessor_decl(p, setter);
            Some(c.declare_method(Some(id), &decl, is_static))
        };
        let getter = function(self, &p.getter, false);
        let setter = function(self, &p.setter, true);
        let Some(field) = self.classes[id].fields.last_mut() else {
            return;
        };
        self.properties.push(ir::Property {
            getter,
            setter,
            is_static,
            index: field.index,
        });
        field.prop = Some(self.properties.len() - 1);
    }

    /// Records a method's signature and returns its function index.
    pub(super) fn declare_method(
        &mut self,
        owner: Option<usize>,
        m: &ast::MethodDecl,
        is_static: bool,
    ) -> usize {
        let params: Vec<Type> = m
            .params
            .iter()
            .map(|p| self.resolve_type(&p.ty).unwrap_or(Type::Object))
            .collect();
        let ret = match &m.ret {
            Some(t) => self.resolve_type(t).unwrap_or(Type::Object),
            None => Type::Void,
        };
        let is_ctor = owner.is_some_and(|o| m.ret.is_none() && self.classes[o].name == m.name.name);
        let clash = self
            .functions
            .iter()
            .any(|f| f.owner == owner && f.name == m.name.name && f.params == params && !f.is_ctor);
        if clash && !is_ctor {
            let msg = format!("Method already defined: {}", m.name.name);
            self.error(msg, &m.name.span, "declared twice");
        }
        let selector =
            (owner.is_some() && !is_static).then(|| self.selector(&m.name.name, &params));
        self.functions.push(Signature {
            name: m.name.name.clone(),
            params,
            ret,
            owner,
            is_static,
            is_ctor,
            is_abstract: m.body.is_none(),
            selector,
        });
        self.functions.len() - 1
    }

    /// The selector of an instance method: its name and parameter types.
    fn selector(&mut self, name: &Name, params: &[Type]) -> usize {
        let key = format!(
            "{}({})",
            name.folded(),
            params
                .iter()
                .map(Type::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let next = self.selectors.len();
        *self.selectors.entry(key).or_insert(next)
    }

    /// For each class, the function each selector runs: inherited first,
    /// then its own methods replacing them.
    pub(super) fn dispatch_tables(&self) -> Vec<Vec<Option<usize>>> {
        let mut tables: Vec<Vec<Option<usize>>> = vec![Vec::new(); self.classes.len()];
        for id in self.parent_first() {
            let mut table = match self.classes[id].parent {
                Some(p) => tables[p].clone(),
                None => Vec::new(),
            };
            table.resize(self.selectors.len(), None);
            for &f in &self.classes[id].methods {
                if let Some(sel) = self.functions[f].selector {
                    table[sel] = Some(f);
                }
            }
            tables[id] = table;
        }
        tables
    }

    /// The resolved classes for the program.
    pub(super) fn class_table(&self, class_init: &[Option<usize>]) -> Vec<Rc<ir::Class>> {
        let tables = self.dispatch_tables();
        self.classes
            .iter()
            .enumerate()
            .zip(tables)
            .map(|((id, c), dispatch)| {
                Rc::new(ir::Class {
                    name: c.name.to_string(),
                    dispatch,
                    fields: self.field_names(id),
                    values: c.values.clone(),
                    ancestors: c.ancestors.clone(),
                    parent: c.parent,
                    clinit: class_init.get(id).copied().flatten(),
                })
            })
            .collect()
    }

    /// Instance field names of a class in object layout order.
    fn field_names(&self, id: usize) -> Vec<String> {
        let mut names = match self.classes[id].parent {
            Some(p) => self.field_names(p),
            None => Vec::new(),
        };
        let own = self.classes[id].fields.iter().filter(|f| !f.is_static);
        names.extend(own.map(|f| f.name.to_string()));
        names
    }

    /// A class by name, as seen from the code being checked.
    pub(super) fn class_named(&self, name: &Name) -> Option<usize> {
        self.class_names.get(name).copied()
    }

    /// A field of a class or its superclasses.
    pub(super) fn find_field(&self, class: usize, name: &Name) -> Option<FieldInfo> {
        let mut c = Some(class);
        while let Some(id) = c {
            if let Some(f) = self.classes[id].fields.iter().find(|f| f.name == *name) {
                return Some(f.clone());
            }
            c = self.classes[id]
                .parent
                .or(self.classes[id].outer.filter(|_| false));
        }
        None
    }

    /// Methods of a class and its ancestors with this name, nearest first.
    pub(super) fn methods_named(&self, class: usize, name: &Name) -> Vec<usize> {
        let ancestors = self.classes[class].ancestors.clone();
        let mut out = Vec::new();
        for id in ancestors.iter() {
            for &f in &self.classes[*id].methods {
                if self.functions[f].name == *name {
                    out.push(f);
                }
            }
        }
        out
    }
}

/// Field and method lookups by class: `HashMap` aliases used by the checker.
pub(super) type ClassNames = HashMap<Name, usize>;

/// A custom exception's type name, kept for the life of the process: types
/// and exceptions name their type with a `&'static str`. Each distinct name
/// is stored once, however many programs are compiled.
fn intern(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(HashSet::new()));
    let mut names = match names.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// An accessor of a property as a method: `get` returns the property's type
/// and `set` takes `value`. Both are named `__sfdc_<property>`, the name
/// stack traces show (a guess at the platform's form).
pub(super) fn accessor_decl(p: &ast::PropertyDecl, setter: bool) -> ast::MethodDecl {
    let accessor = if setter { &p.setter } else { &p.getter };
    let name = ast::Ident {
        name: Name::new(&format!("__sfdc_{}", p.name.name)),
        span: p.name.span.clone(),
    };
    let params = if setter {
        vec![ast::Param {
            ty: p.ty.clone(),
            name: ast::Ident {
                name: Name::new("value"),
                span: p.name.span.clone(),
            },
        }]
    } else {
        Vec::new()
    };
    ast::MethodDecl {
        modifiers: p.modifiers.clone(),
        ret: (!setter).then(|| p.ty.clone()),
        name,
        params,
        body: accessor.as_ref().and_then(|a| a.body.clone()),
        span: p.span.clone(),
    }
}
