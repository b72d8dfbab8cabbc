//! Bounds on how deep a parsed tree may be, so that no stage that walks it
//! recursively (checking, running, even dropping it) can exhaust the stack.
//!
//! Two guards: [`token_limits`] refuses input before parsing when brackets
//! nest too deeply or one statement chains too many operators; [`too_deep`]
//! measures the finished tree without recursion, and [`dismantle`] frees a
//! refused tree one node at a time.

use crate::syntax::ast::{
    ClassBody, Expr, ExprKind, Member, MethodDecl, Modifiers, NewInit, Script, SoqlCond, SoqlQuery,
    SoqlSelect, SoqlValue, Stmt, StmtKind, TypeDecl, TypeDeclKind, TypeRef, Unit, WhenKind,
};
use crate::syntax::source::{Diagnostic, Span};
use crate::syntax::token::Token;

/// How deeply brackets may nest.
pub const MAX_NESTING: usize = 256;
/// How many nodes deep a statement or expression tree may be.
pub const MAX_DEPTH: usize = 500;
/// How many chaining operators one statement (the text between `;`, `{` and
/// `}`) may hold. Each can add a level to the tree, and a tree is built in
/// full before it can be measured.
pub const MAX_CHAIN: usize = 2_000;

/// Checks bracket nesting and operator chains in the token stream.
pub(super) fn token_limits(tokens: &[(Token<'_>, Span)]) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut chain = 0usize;
    for (tok, span) in tokens {
        match tok {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            let message = format!("Brackets nested more than {MAX_NESTING} deep");
            return Some(Diagnostic::new(message, span.clone(), "nested too deeply"));
        }
        if matches!(tok, Token::Semi | Token::LBrace | Token::RBrace) {
            chain = 0;
        } else if chains(tok) {
            chain += 1;
            if chain > MAX_CHAIN {
                let message = format!("Statement too complex: more than {MAX_CHAIN} operators");
                return Some(Diagnostic::new(
                    message,
                    span.clone(),
                    "split this statement",
                ));
            }
        }
    }
    None
}

/// Tokens that may add a level to a tree: operators, member access, generic
/// brackets, statement keywords and the SOQL connectives.
fn chains(tok: &Token<'_>) -> bool {
    match tok {
        Token::Ident(w) => ["and", "or", "not"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k)),
        Token::Str(_) | Token::Integer(_) | Token::Long(_) | Token::Decimal(_) => false,
        Token::Double(_) | Token::Error(_) | Token::Null | Token::True | Token::False => false,
        Token::IntegerMin | Token::LongMin | Token::Sosl(_) => false,
        Token::Comma | Token::Semi | Token::Colon | Token::New | Token::Final => false,
        Token::LParen | Token::RParen | Token::LBracket | Token::RBracket => false,
        Token::LBrace | Token::RBrace | Token::BlockComment => false,
        _ => true,
    }
}

/// A node of any kind, borrowed.
enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
    Cond(&'a SoqlCond),
    Value(&'a SoqlValue),
    Type(&'a TypeRef),
}

/// The span of the first node deeper than [`MAX_DEPTH`], if any.
pub(super) fn too_deep(script: &Script) -> Option<Span> {
    let mut roots: Vec<Node<'_>> = script.stmts.iter().map(Node::Stmt).collect();
    decl_roots(&script.methods, &script.types, &mut roots);
    deepest(roots)
}

/// The same for a class or trigger file.
pub(super) fn unit_too_deep(unit: &Unit) -> Option<Span> {
    let mut roots = Vec::new();
    match unit {
        Unit::Type(t) => decl_roots(&[], std::slice::from_ref(t), &mut roots),
        Unit::Trigger(t) => roots.extend(t.body.iter().map(Node::Stmt)),
    }
    deepest(roots)
}

/// The statements, expressions and types that declarations hold, each a root
/// of its own: a member's depth does not include the classes around it, whose
/// nesting the bracket limit already bounds. Inner types are walked with a
/// stack rather than by recursion.
fn decl_roots<'a>(methods: &'a [MethodDecl], types: &'a [TypeDecl], out: &mut Vec<Node<'a>>) {
    methods.iter().for_each(|m| method_roots(m, out));
    let mut pending: Vec<&TypeDecl> = types.iter().collect();
    while let Some(decl) = pending.pop() {
        modifier_roots(&decl.modifiers, out);
        let body = match &decl.kind {
            TypeDeclKind::Class(body) | TypeDeclKind::Interface(body) => body,
            TypeDeclKind::Enum(_) => continue,
        };
        out.extend(body.extends.iter().chain(&body.implements).map(Node::Type));
        for member in &body.members {
            match member {
                Member::Type(inner) => pending.push(inner),
                other => member_roots(other, out),
            }
        }
    }
}

fn member_roots<'a>(member: &'a Member, out: &mut Vec<Node<'a>>) {
    match member {
        Member::Field(f) => {
            modifier_roots(&f.modifiers, out);
            out.push(Node::Type(&f.ty));
            out.extend(
                f.vars
                    .iter()
                    .filter_map(|(_, e)| e.as_ref())
                    .map(Node::Expr),
            );
        }
        Member::Method(m) | Member::Constructor(m) => method_roots(m, out),
        Member::Property(p) => {
            modifier_roots(&p.modifiers, out);
            out.push(Node::Type(&p.ty));
            for acc in p.getter.iter().chain(&p.setter) {
                modifier_roots(&acc.modifiers, out);
                out.extend(acc.body.iter().flatten().map(Node::Stmt));
            }
        }
        Member::Initializer { body, .. } => out.extend(body.iter().map(Node::Stmt)),
        Member::Type(_) => {}
    }
}

fn method_roots<'a>(method: &'a MethodDecl, out: &mut Vec<Node<'a>>) {
    modifier_roots(&method.modifiers, out);
    out.extend(method.ret.iter().map(Node::Type));
    out.extend(method.params.iter().map(|p| Node::Type(&p.ty)));
    out.extend(method.body.iter().flatten().map(Node::Stmt));
}

fn modifier_roots<'a>(mods: &'a Modifiers, out: &mut Vec<Node<'a>>) {
    for a in &mods.annotations {
        out.extend(a.args.iter().map(|(_, e)| Node::Expr(e)));
    }
}

/// The same for a query on its own.
pub(super) fn query_too_deep(query: &SoqlQuery) -> Option<Span> {
    let mut roots = Vec::new();
    query_children(query, &mut roots);
    deepest(roots)
}

fn deepest(roots: Vec<Node<'_>>) -> Option<Span> {
    let mut stack: Vec<(Node<'_>, usize)> = roots.into_iter().map(|n| (n, 1)).collect();
    let mut children = Vec::new();
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Some(node_span(&node));
        }
        node_children(node, &mut children);
        stack.extend(children.drain(..).map(|c| (c, depth + 1)));
    }
    None
}

fn node_span(node: &Node<'_>) -> Span {
    match node {
        Node::Stmt(s) => s.span.clone(),
        Node::Expr(e) => e.span.clone(),
        Node::Type(t) => t.span.clone(),
        Node::Cond(SoqlCond::Compare { span, .. }) => span.clone(),
        Node::Value(
            SoqlValue::Literal(_, span)
            | SoqlValue::List(_, span)
            | SoqlValue::Date(_, span)
            | SoqlValue::Written(_, span),
        ) => span.clone(),
        Node::Value(SoqlValue::Bind(e)) => e.span.clone(),
        Node::Value(SoqlValue::SemiJoin(q)) => q.span.clone(),
        Node::Cond(_) => 0..0,
    }
}

fn node_children<'a>(node: Node<'a>, out: &mut Vec<Node<'a>>) {
    match node {
        Node::Stmt(s) => stmt_children(s, out),
        Node::Expr(e) => expr_children(e, out),
        Node::Cond(c) => match c {
            SoqlCond::And(a, b) | SoqlCond::Or(a, b) => out.extend([Node::Cond(a), Node::Cond(b)]),
            SoqlCond::Not(a) => out.push(Node::Cond(a)),
            SoqlCond::Compare { value, .. } => out.push(Node::Value(value)),
        },
        Node::Value(v) => match v {
            SoqlValue::Literal(..) | SoqlValue::Date(..) | SoqlValue::Written(..) => {}
            SoqlValue::List(items, _) => out.extend(items.iter().map(Node::Value)),
            SoqlValue::Bind(e) => out.push(Node::Expr(e)),
            SoqlValue::SemiJoin(q) => query_children(q, out),
        },
        Node::Type(t) => out.extend(t.args.iter().map(Node::Type)),
    }
}

fn stmt_children<'a>(stmt: &'a Stmt, out: &mut Vec<Node<'a>>) {
    match &stmt.kind {
        StmtKind::Local { ty, vars } => {
            out.push(Node::Type(ty));
            out.extend(vars.iter().filter_map(|(_, e)| e.as_ref()).map(Node::Expr));
        }
        StmtKind::Expr(e) | StmtKind::Dml { target: e, .. } => out.push(Node::Expr(e)),
        StmtKind::Return(e) => out.extend(e.iter().map(Node::Expr)),
        StmtKind::Block(stmts) => out.extend(stmts.iter().map(Node::Stmt)),
        StmtKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.extend([Node::Expr(cond), Node::Stmt(then)]);
            out.extend(otherwise.iter().map(|s| Node::Stmt(s)));
        }
        StmtKind::While { cond, body } => out.extend([Node::Expr(cond), Node::Stmt(body)]),
        StmtKind::For {
            init,
            cond,
            update,
            body,
        } => {
            out.extend(init.iter().map(|s| Node::Stmt(s)));
            out.extend(cond.iter().chain(update).map(Node::Expr));
            out.push(Node::Stmt(body));
        }
        StmtKind::ForEach {
            ty, iterable, body, ..
        } => {
            out.extend([Node::Type(ty), Node::Expr(iterable), Node::Stmt(body)]);
        }
        StmtKind::Break | StmtKind::Continue => {}
        StmtKind::DoWhile { body, cond } => out.extend([Node::Stmt(body), Node::Expr(cond)]),
        StmtKind::Throw(e) => out.push(Node::Expr(e)),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            out.extend(body.iter().map(Node::Stmt));
            for c in catches {
                out.push(Node::Type(&c.ty));
                out.extend(c.body.iter().map(Node::Stmt));
            }
            out.extend(finally.iter().flatten().map(Node::Stmt));
        }
        StmtKind::Switch { subject, whens } => {
            out.push(Node::Expr(subject));
            for w in whens {
                if let WhenKind::Values(values) = &w.kind {
                    out.extend(values.iter().map(Node::Expr));
                }
                out.extend(w.body.iter().map(Node::Stmt));
            }
        }
        StmtKind::RunAs { user, body } => {
            out.push(Node::Expr(user));
            out.extend(body.iter().map(Node::Stmt));
        }
    }
}

fn expr_children<'a>(expr: &'a Expr, out: &mut Vec<Node<'a>>) {
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Sosl(_) => {}
        ExprKind::Field { target, .. } => out.push(Node::Expr(target)),
        ExprKind::Call { target, args, .. } => {
            out.extend(target.iter().map(|t| Node::Expr(t)));
            out.extend(args.iter().map(Node::Expr));
        }
        ExprKind::Index { target, index } => out.extend([Node::Expr(target), Node::Expr(index)]),
        ExprKind::New { ty, init } => {
            out.push(Node::Type(ty));
            new_init_children(init, out);
        }
        ExprKind::Unary { expr, .. } => out.push(Node::Expr(expr)),
        ExprKind::Binary { lhs, rhs, .. } => out.extend([Node::Expr(lhs), Node::Expr(rhs)]),
        ExprKind::Assign { target, value, .. } => {
            out.extend([Node::Expr(target), Node::Expr(value)]);
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            out.extend([Node::Expr(cond), Node::Expr(then), Node::Expr(otherwise)]);
        }
        ExprKind::Cast { ty, expr } | ExprKind::InstanceOf { expr, ty } => {
            out.extend([Node::Type(ty), Node::Expr(expr)]);
        }
        ExprKind::Soql(q) => query_children(q, out),
    }
}

fn new_init_children<'a>(init: &'a NewInit, out: &mut Vec<Node<'a>>) {
    match init {
        NewInit::Args(items) | NewInit::Elements(items) => out.extend(items.iter().map(Node::Expr)),
        NewInit::Fields(fields) => out.extend(fields.iter().map(|(_, e)| Node::Expr(e))),
        NewInit::Pairs(pairs) => {
            out.extend(
                pairs
                    .iter()
                    .flat_map(|(k, v)| [Node::Expr(k), Node::Expr(v)]),
            );
        }
        NewInit::ArraySize(n) => out.push(Node::Expr(n)),
    }
}

fn query_children<'a>(query: &'a SoqlQuery, out: &mut Vec<Node<'a>>) {
    out.extend(query.filter.iter().chain(&query.having).map(Node::Cond));
    out.extend(query.limit.iter().chain(&query.offset).map(Node::Value));
    // Child subqueries do not nest, so this recursion is one level deep;
    // semi-joins nest only through conditions, which are nodes of their own.
    for item in &query.select {
        if let SoqlSelect::Subquery(sub) = item {
            query_children(sub, out);
        }
    }
}

/// A node of any kind, owned, for taking a tree apart.
enum Owned {
    Stmt(Stmt),
    Expr(Expr),
    Cond(SoqlCond),
    Value(SoqlValue),
    Type(TypeRef),
}

/// Frees a script without recursion, however deep it is.
pub(super) fn dismantle(script: Script) {
    let mut nodes: Vec<Owned> = script.stmts.into_iter().map(Owned::Stmt).collect();
    take_decls(script.methods, script.types, &mut nodes);
    dismantle_nodes(nodes);
}

/// Frees a class or trigger without recursion.
pub(super) fn dismantle_unit(unit: Unit) {
    let mut nodes = Vec::new();
    match unit {
        Unit::Type(t) => take_decls(Vec::new(), vec![t], &mut nodes),
        Unit::Trigger(t) => nodes.extend(t.body.into_iter().map(Owned::Stmt)),
    }
    dismantle_nodes(nodes);
}

/// Moves what declarations hold into `out`, inner types by a stack.
fn take_decls(methods: Vec<MethodDecl>, types: Vec<TypeDecl>, out: &mut Vec<Owned>) {
    methods.into_iter().for_each(|m| take_method(m, out));
    let mut pending = types;
    while let Some(decl) = pending.pop() {
        take_modifiers(decl.modifiers, out);
        let body: ClassBody = match decl.kind {
            TypeDeclKind::Class(body) | TypeDeclKind::Interface(body) => body,
            TypeDeclKind::Enum(_) => continue,
        };
        out.extend(
            body.extends
                .into_iter()
                .chain(body.implements)
                .map(Owned::Type),
        );
        for member in body.members {
            match member {
                Member::Type(inner) => pending.push(inner),
                other => take_member(other, out),
            }
        }
    }
}

fn take_member(member: Member, out: &mut Vec<Owned>) {
    match member {
        Member::Field(f) => {
            take_modifiers(f.modifiers, out);
            out.push(Owned::Type(f.ty));
            out.extend(f.vars.into_iter().filter_map(|(_, e)| e).map(Owned::Expr));
        }
        Member::Method(m) | Member::Constructor(m) => take_method(m, out),
        Member::Property(p) => {
            take_modifiers(p.modifiers, out);
            out.push(Owned::Type(p.ty));
            for acc in p.getter.into_iter().chain(p.setter) {
                take_modifiers(acc.modifiers, out);
                out.extend(acc.body.into_iter().flatten().map(Owned::Stmt));
            }
        }
        Member::Initializer { body, .. } => out.extend(body.into_iter().map(Owned::Stmt)),
        Member::Type(_) => {}
    }
}

fn take_method(method: MethodDecl, out: &mut Vec<Owned>) {
    take_modifiers(method.modifiers, out);
    out.extend(method.ret.map(Owned::Type));
    out.extend(method.params.into_iter().map(|p| Owned::Type(p.ty)));
    out.extend(method.body.into_iter().flatten().map(Owned::Stmt));
}

fn take_modifiers(mods: Modifiers, out: &mut Vec<Owned>) {
    for a in mods.annotations {
        out.extend(a.args.into_iter().map(|(_, e)| Owned::Expr(e)));
    }
}

/// Frees a query without recursion.
pub(super) fn dismantle_query(query: SoqlQuery) {
    let mut nodes = Vec::new();
    take_query(query, &mut nodes);
    dismantle_nodes(nodes);
}

fn dismantle_nodes(mut stack: Vec<Owned>) {
    // Each node is emptied of its children before it drops, so every drop is
    // shallow.
    while let Some(node) = stack.pop() {
        match node {
            Owned::Stmt(s) => take_stmt(s, &mut stack),
            Owned::Expr(e) => take_expr(e, &mut stack),
            Owned::Cond(c) => take_cond(c, &mut stack),
            Owned::Value(v) => take_value(v, &mut stack),
            Owned::Type(t) => stack.extend(t.args.into_iter().map(Owned::Type)),
        }
    }
}

fn take_stmt(stmt: Stmt, out: &mut Vec<Owned>) {
    let expr = |e: Expr| Owned::Expr(e);
    let boxed = |s: Box<Stmt>| Owned::Stmt(*s);
    match stmt.kind {
        StmtKind::Local { ty, vars } => {
            out.push(Owned::Type(ty));
            out.extend(vars.into_iter().filter_map(|(_, e)| e).map(expr));
        }
        StmtKind::Expr(e) | StmtKind::Dml { target: e, .. } => out.push(expr(e)),
        StmtKind::Return(e) => out.extend(e.map(expr)),
        StmtKind::Block(stmts) => out.extend(stmts.into_iter().map(Owned::Stmt)),
        StmtKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.extend([expr(cond), boxed(then)]);
            out.extend(otherwise.map(boxed));
        }
        StmtKind::While { cond, body } => out.extend([expr(cond), boxed(body)]),
        StmtKind::For {
            init,
            cond,
            update,
            body,
        } => {
            out.extend(init.map(boxed));
            out.extend(cond.into_iter().chain(update).map(expr));
            out.push(boxed(body));
        }
        StmtKind::ForEach {
            ty, iterable, body, ..
        } => {
            out.extend([Owned::Type(ty), expr(iterable), boxed(body)]);
        }
        StmtKind::Break | StmtKind::Continue => {}
        StmtKind::DoWhile { body, cond } => out.extend([boxed(body), expr(cond)]),
        StmtKind::Throw(e) => out.push(expr(e)),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            out.extend(body.into_iter().map(Owned::Stmt));
            for c in catches {
                out.push(Owned::Type(c.ty));
                out.extend(c.body.into_iter().map(Owned::Stmt));
            }
            out.extend(finally.into_iter().flatten().map(Owned::Stmt));
        }
        StmtKind::Switch { subject, whens } => {
            out.push(expr(subject));
            for w in whens {
                if let WhenKind::Values(values) = w.kind {
                    out.extend(values.into_iter().map(expr));
                }
                out.extend(w.body.into_iter().map(Owned::Stmt));
            }
        }
        StmtKind::RunAs { user, body } => {
            out.push(expr(user));
            out.extend(body.into_iter().map(Owned::Stmt));
        }
    }
}

fn take_expr(expr: Expr, out: &mut Vec<Owned>) {
    let boxed = |e: Box<Expr>| Owned::Expr(*e);
    match expr.kind {
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Sosl(_) => {}
        ExprKind::Field { target, .. } | ExprKind::Unary { expr: target, .. } => {
            out.push(boxed(target));
        }
        ExprKind::Call { target, args, .. } => {
            out.extend(target.map(boxed));
            out.extend(args.into_iter().map(Owned::Expr));
        }
        ExprKind::Index {
            target: a,
            index: b,
        }
        | ExprKind::Binary { lhs: a, rhs: b, .. }
        | ExprKind::Assign {
            target: a,
            value: b,
            ..
        } => out.extend([boxed(a), boxed(b)]),
        ExprKind::New { ty, init } => {
            out.push(Owned::Type(ty));
            take_new_init(init, out);
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            out.extend([boxed(cond), boxed(then), boxed(otherwise)]);
        }
        ExprKind::Cast { ty, expr } | ExprKind::InstanceOf { expr, ty } => {
            out.extend([Owned::Type(ty), boxed(expr)]);
        }
        ExprKind::Soql(q) => take_query(*q, out),
    }
}

fn take_new_init(init: NewInit, out: &mut Vec<Owned>) {
    match init {
        NewInit::Args(items) | NewInit::Elements(items) => {
            out.extend(items.into_iter().map(Owned::Expr));
        }
        NewInit::Fields(fields) => out.extend(fields.into_iter().map(|(_, e)| Owned::Expr(e))),
        NewInit::Pairs(pairs) => {
            out.extend(
                pairs
                    .into_iter()
                    .flat_map(|(k, v)| [Owned::Expr(k), Owned::Expr(v)]),
            );
        }
        NewInit::ArraySize(n) => out.push(Owned::Expr(*n)),
    }
}

fn take_query(query: SoqlQuery, out: &mut Vec<Owned>) {
    for item in query.select {
        if let SoqlSelect::Subquery(sub) = item {
            take_query(*sub, out);
        }
    }
    out.extend(query.filter.map(Owned::Cond));
    out.extend(query.having.map(Owned::Cond));
    out.extend(
        query
            .limit
            .into_iter()
            .chain(query.offset)
            .map(Owned::Value),
    );
}

fn take_cond(cond: SoqlCond, out: &mut Vec<Owned>) {
    match cond {
        SoqlCond::And(a, b) | SoqlCond::Or(a, b) => {
            out.extend([Owned::Cond(*a), Owned::Cond(*b)]);
        }
        SoqlCond::Not(a) => out.push(Owned::Cond(*a)),
        SoqlCond::Compare { value, .. } => out.push(Owned::Value(value)),
    }
}

fn take_value(value: SoqlValue, out: &mut Vec<Owned>) {
    match value {
        SoqlValue::Literal(..) | SoqlValue::Date(..) | SoqlValue::Written(..) => {}
        SoqlValue::List(items, _) => out.extend(items.into_iter().map(Owned::Value)),
        SoqlValue::Bind(e) => out.push(Owned::Expr(*e)),
        SoqlValue::SemiJoin(q) => take_query(*q, out),
    }
}
