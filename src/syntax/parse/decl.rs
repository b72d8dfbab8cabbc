//! Declarations: annotations and modifiers, classes, interfaces and enums with
//! their members, methods, and triggers.
//!
//! The parser is permissive about which modifiers go where and about bodies:
//! an interface method with a body, or a class method without one, parses,
//! and the checker judges it. Constructors are checked here: a member written
//! `Name(...)` without a return type must be named after its class.

use chumsky::prelude::*;

use super::base::{BoxedExpr, BoxedStmt, Extra, TokenInput, block, custom, ident, member_name};
use super::base::{semi, span, word};
use super::expr::literal;
use super::recover::skip_member;
use super::stmt::declarators;
use super::types::type_ref;
use crate::syntax::ast::{
    Accessor, Annotation, ClassBody, DmlOp, Expr, ExprKind, FieldDecl, Ident, Member, MethodDecl,
    Modifier, Modifiers, Param, PropertyDecl, Stmt, TriggerDecl, TriggerEvent, TypeDecl,
    TypeDeclKind, TypeRef,
};
use crate::syntax::source::Span;
use crate::syntax::token::Token;

/// `modifiers = (annotation | modifier)*`
pub(crate) fn modifiers<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Modifiers, Extra<'t, 's>> + Clone {
    let part = annotation().map(Ok).or(modifier().map(Err));
    part.repeated()
        .collect::<Vec<_>>()
        .map(|parts| {
            let mut mods = Modifiers::default();
            for part in parts {
                match part {
                    Ok(a) => mods.annotations.push(a),
                    Err(m) => mods.words.push(m),
                }
            }
            mods
        })
        .boxed()
}

/// `modifier = "public" | "private" | "protected" | "global" | "static" | "final"
///           | "abstract" | "virtual" | "override" | "transient" | "testMethod"
///           | "webservice" | ("with" | "without" | "inherited") "sharing"`
fn modifier<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Modifier, Extra<'t, 's>> + Clone {
    let keyword = select! {
        Token::Public => Modifier::Public,
        Token::Private => Modifier::Private,
        Token::Protected => Modifier::Protected,
        Token::Global => Modifier::Global,
        Token::Static => Modifier::Static,
        Token::Final => Modifier::Final,
        Token::Abstract => Modifier::Abstract,
        Token::Virtual => Modifier::Virtual,
        Token::Override => Modifier::Override,
        Token::Transient => Modifier::Transient,
        Token::TestMethod => Modifier::TestMethod,
        Token::WebService => Modifier::WebService,
    };
    let sharing = choice((
        word("with").to(Modifier::WithSharing),
        word("without").to(Modifier::WithoutSharing),
        word("inherited").to(Modifier::InheritedSharing),
    ))
    .then_ignore(word("sharing"));
    keyword.or(sharing).labelled("modifier")
}

/// `annotation = "@" member_name ("(" annotation_arg* ")")?`
/// `annotation_arg = (member_name "=")? annotation_value ","?`
///
/// Apex separates arguments with spaces (`label='x' description='y'`); commas
/// are accepted too.
fn annotation<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Annotation, Extra<'t, 's>> + Clone {
    let arg = member_name()
        .then_ignore(just(Token::Assign))
        .or_not()
        .then(annotation_value())
        .then_ignore(just(Token::Comma).or_not());
    let args = arg
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    just(Token::At)
        .ignore_then(member_name())
        .then(args.or_not())
        .map_with(|(name, args), e| Annotation {
            name,
            args: args.unwrap_or_default(),
            span: span(e.span()),
        })
}

/// `annotation_value = literal | member_name ("." member_name)*`
fn annotation_value<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Expr, Extra<'t, 's>> + Clone {
    let lit = literal().map_with(|lit, e| Expr {
        kind: ExprKind::Literal(lit),
        span: span(e.span()),
    });
    let name = member_name().map(|id| Expr {
        span: id.span.clone(),
        kind: ExprKind::Name(id),
    });
    let path = name.foldl(
        just(Token::Dot).ignore_then(member_name()).repeated(),
        |target, field| Expr {
            span: target.span.start..field.span.end,
            kind: ExprKind::Field {
                target: Box::new(target),
                field,
                safe: false,
            },
        },
    );
    lit.or(path)
}

/// `type_decl = modifiers (class_decl | interface_decl | enum_decl)`
pub(crate) fn type_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, TypeDecl, Extra<'t, 's>> + Clone {
    modifiers()
        .then(type_decl_rest(stmt, expr))
        .map_with(|(modifiers, (name, kind)), e| TypeDecl {
            modifiers,
            name,
            kind,
            span: span(e.span()),
        })
}

type BoxedRest<'t, 's, I> = Boxed<'t, 't, I, (Ident, TypeDeclKind), Extra<'t, 's>>;

/// A type declaration after its modifiers; inner types recurse through here.
fn type_decl_rest<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> BoxedRest<'t, 's, I> {
    recursive(|rest| {
        let member = member(rest.boxed(), stmt, expr);
        choice((
            class_decl(member.clone()).boxed(),
            interface_decl(member).boxed(),
            enum_decl().boxed(),
        ))
        .boxed()
    })
    .boxed()
}

type BoxedMember<'t, 's, I> = Boxed<'t, 't, I, Member, Extra<'t, 's>>;

/// `class_decl = "class" identifier ("extends" type_ref)? ("implements" type_list)? class_body`
fn class_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    member: BoxedMember<'t, 's, I>,
) -> impl Parser<'t, I, (Ident, TypeDeclKind), Extra<'t, 's>> + Clone {
    just(Token::Class)
        .ignore_then(ident())
        .then(just(Token::Extends).ignore_then(type_ref()).or_not())
        .then(just(Token::Implements).ignore_then(type_list()).or_not())
        .then(class_body(member))
        .validate(|(((name, extends), implements), members), _, emitter| {
            check_constructors(&name, &members, emitter);
            let body = ClassBody {
                extends,
                implements: implements.unwrap_or_default(),
                members,
            };
            (name, TypeDeclKind::Class(body))
        })
}

/// Reports constructors not named after their class, as Apex does.
fn check_constructors<'t, 's: 't>(
    class: &Ident,
    members: &[Member],
    emitter: &mut chumsky::input::Emitter<Rich<'t, Token<'s>>>,
) {
    for member in members {
        if let Member::Constructor(m) = member
            && m.name.name != class.name
        {
            emitter.emit(custom(
                SimpleSpan::from(m.name.span.clone()),
                &format!("Invalid constructor name: {}", m.name.name),
                "a method needs a return type; a constructor, the class name",
            ));
        }
    }
}

/// `interface_decl = "interface" identifier ("extends" type_list)? class_body`
fn interface_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    member: BoxedMember<'t, 's, I>,
) -> impl Parser<'t, I, (Ident, TypeDeclKind), Extra<'t, 's>> + Clone {
    just(Token::Interface)
        .ignore_then(ident())
        .then(just(Token::Extends).ignore_then(type_list()).or_not())
        .then(class_body(member))
        .map(|((name, implements), members)| {
            let body = ClassBody {
                extends: None,
                implements: implements.unwrap_or_default(),
                members,
            };
            (name, TypeDeclKind::Interface(body))
        })
}

/// `enum_decl = "enum" identifier "{" (identifier ("," identifier)*)? "}"`
fn enum_decl<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, (Ident, TypeDeclKind), Extra<'t, 's>> + Clone {
    let values = ident()
        .separated_by(just(Token::Comma))
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace));
    just(Token::Enum)
        .ignore_then(ident())
        .then(values)
        .map(|(name, values)| (name, TypeDeclKind::Enum(values)))
}

/// `type_list = type_ref ("," type_ref)*`
fn type_list<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<TypeRef>, Extra<'t, 's>> + Clone {
    type_ref()
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect()
}

/// `class_body = "{" member* "}"`
fn class_body<'t, 's: 't, I: TokenInput<'t, 's>>(
    member: BoxedMember<'t, 's, I>,
) -> impl Parser<'t, I, Vec<Member>, Extra<'t, 's>> + Clone {
    member
        .repeated()
        .collect()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
}

/// What follows a member's modifiers.
enum MemberTail {
    Type(Ident, TypeDeclKind),
    Initializer(Vec<Stmt>),
    Constructor(Ident, Vec<Param>, Vec<Stmt>),
    Method(Option<TypeRef>, Ident, Vec<Param>, Option<Vec<Stmt>>),
    Typed(TypeRef, Ident, Typed),
}

/// What follows `Type name` in a member.
enum Typed {
    Method(Vec<Param>, Option<Vec<Stmt>>),
    Property(Option<Accessor>, Option<Accessor>),
    Field(Option<Expr>, Vec<Declarator>),
}

/// A name with its optional initialiser.
type Declarator = (Ident, Option<Expr>);

/// `member = modifiers (type_decl_rest | block | constructor | method | property | field)`
/// `constructor = identifier params block`
/// `method = ("void" | type_ref) identifier params method_body`
/// `property = type_ref identifier property_body`
/// `field = type_ref identifier ("=" expression)? ("," declarator)* ";"`
///
/// A broken member is skipped as a unit and parsing carries on after it.
fn member<'t, 's: 't, I: TokenInput<'t, 's>>(
    type_rest: BoxedRest<'t, 's, I>,
    stmt: BoxedStmt<'t, 's, I>,
    expr: BoxedExpr<'t, 's, I>,
) -> BoxedMember<'t, 's, I> {
    let inner = type_rest.map(|(name, kind)| MemberTail::Type(name, kind));
    let initializer = block(stmt.clone()).map(MemberTail::Initializer);
    let constructor = ident()
        .then(params())
        .then(block(stmt.clone()))
        .map(|((name, params), body)| MemberTail::Constructor(name, params, body));
    let void = just(Token::Void)
        .ignore_then(ident())
        .then(params())
        .then(method_body(stmt.clone()))
        .map(|((name, params), body)| MemberTail::Method(None, name, params, body));
    let after_name = choice((
        params()
            .then(method_body(stmt.clone()))
            .map(|(params, body)| Typed::Method(params, body))
            .boxed(),
        property_body(stmt)
            .map(|(get, set)| Typed::Property(get, set))
            .boxed(),
        field_rest(expr)
            .map(|(init, more)| Typed::Field(init, more))
            .boxed(),
    ));
    let typed = type_ref()
        .then(ident())
        .then(after_name)
        .map(|((ty, name), rest)| MemberTail::Typed(ty, name, rest));
    modifiers()
        .then(choice((
            inner.boxed(),
            initializer.boxed(),
            void.boxed(),
            constructor.boxed(),
            typed.boxed(),
        )))
        .map_with(|(modifiers, tail), e| into_member(modifiers, tail, span(e.span())))
        .recover_with(via_parser(skip_member()))
        .boxed()
}

fn into_member(modifiers: Modifiers, tail: MemberTail, span: Span) -> Member {
    match tail {
        MemberTail::Type(name, kind) => Member::Type(TypeDecl {
            modifiers,
            name,
            kind,
            span,
        }),
        MemberTail::Initializer(body) => Member::Initializer {
            is_static: modifiers.has(Modifier::Static),
            body,
            span,
        },
        MemberTail::Constructor(name, params, body) => Member::Constructor(MethodDecl {
            modifiers,
            ret: None,
            name,
            params,
            body: Some(body),
            span,
        }),
        MemberTail::Method(ret, name, params, body) => Member::Method(MethodDecl {
            modifiers,
            ret,
            name,
            params,
            body,
            span,
        }),
        MemberTail::Typed(ty, name, rest) => typed_member(modifiers, ty, name, rest, span),
    }
}

fn typed_member(modifiers: Modifiers, ty: TypeRef, name: Ident, rest: Typed, span: Span) -> Member {
    match rest {
        Typed::Method(params, body) => Member::Method(MethodDecl {
            modifiers,
            ret: Some(ty),
            name,
            params,
            body,
            span,
        }),
        Typed::Property(getter, setter) => Member::Property(PropertyDecl {
            modifiers,
            ty,
            name,
            getter,
            setter,
            span,
        }),
        Typed::Field(init, more) => {
            let mut vars = Vec::with_capacity(more.len() + 1);
            vars.push((name, init));
            vars.extend(more);
            Member::Field(FieldDecl {
                modifiers,
                ty,
                vars,
                span,
            })
        }
    }
}

/// `params = "(" (param ("," param)*)? ")"`
/// `param = "final"? type_ref identifier`
fn params<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, Vec<Param>, Extra<'t, 's>> + Clone {
    let param = just(Token::Final)
        .or_not()
        .ignore_then(type_ref())
        .then(ident())
        .map(|(ty, name)| Param { ty, name });
    param
        .separated_by(just(Token::Comma))
        .collect()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .boxed()
}

/// `method_body = block | ";"`; `;` ends a signature without a body.
fn method_body<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, Option<Vec<Stmt>>, Extra<'t, 's>> + Clone {
    block(stmt).map(Some).or(semi().to(None))
}

/// `field_rest = ("=" expression)? ("," declarator)* ";"`, after the first name.
fn field_rest<'t, 's: 't, I: TokenInput<'t, 's>>(
    expr: BoxedExpr<'t, 's, I>,
) -> impl Parser<'t, I, (Option<Expr>, Vec<Declarator>), Extra<'t, 's>> + Clone {
    let more = just(Token::Comma).ignore_then(declarators(expr.clone()));
    just(Token::Assign)
        .ignore_then(expr)
        .or_not()
        .then(more.or_not().map(Option::unwrap_or_default))
        .then_ignore(semi())
}

/// `property_body = "{" accessor accessor? "}"`, one `get` and one `set` at most,
/// in either order.
fn property_body<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, (Option<Accessor>, Option<Accessor>), Extra<'t, 's>> + Clone {
    accessor(stmt)
        .repeated()
        .at_least(1)
        .at_most(2)
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .validate(|accessors, e, emitter| {
            let (mut getter, mut setter) = (None, None);
            for (is_get, acc) in accessors {
                let slot = if is_get { &mut getter } else { &mut setter };
                if slot.replace(acc).is_some() {
                    let which = if is_get { "get" } else { "set" };
                    let message = format!("Duplicate {which} accessor");
                    emitter.emit(custom(e.span(), &message, "one of each at most"));
                }
            }
            (getter, setter)
        })
}

/// `accessor = modifiers ("get" | "set") (";" | block)`; true for `get`.
fn accessor<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, (bool, Accessor), Extra<'t, 's>> + Clone {
    let which = word("get").to(true).or(word("set").to(false));
    modifiers()
        .then(which)
        .then(method_body(stmt))
        .map(|((modifiers, is_get), body)| (is_get, Accessor { modifiers, body }))
}

/// `method_decl = modifiers ("void" | type_ref) identifier params method_body`,
/// a method at the top level of a script.
pub(crate) fn method_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, MethodDecl, Extra<'t, 's>> + Clone {
    let ret = just(Token::Void).to(None).or(type_ref().map(Some));
    modifiers()
        .then(ret)
        .then(ident())
        .then(params())
        .then(method_body(stmt))
        .map_with(|((((modifiers, ret), name), params), body), e| MethodDecl {
            modifiers,
            ret,
            name,
            params,
            body,
            span: span(e.span()),
        })
}

/// `trigger_decl = "trigger" identifier "on" identifier
///                 "(" trigger_event ("," trigger_event)* ")" block`
pub(crate) fn trigger_decl<'t, 's: 't, I: TokenInput<'t, 's>>(
    stmt: BoxedStmt<'t, 's, I>,
) -> impl Parser<'t, I, TriggerDecl, Extra<'t, 's>> + Clone {
    let events = trigger_event()
        .separated_by(just(Token::Comma))
        .at_least(1)
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    word("trigger")
        .ignore_then(ident())
        .then_ignore(word("on"))
        .then(ident())
        .then(events)
        .then(block(stmt))
        .map_with(|(((name, object), events), body), e| TriggerDecl {
            name,
            object,
            events,
            body,
            span: span(e.span()),
        })
}

/// `trigger_event = ("before" | "after") ("insert" | "update" | "delete" | "undelete")`
fn trigger_event<'t, 's: 't, I: TokenInput<'t, 's>>()
-> impl Parser<'t, I, TriggerEvent, Extra<'t, 's>> + Clone {
    let when = word("before").to(true).or(word("after").to(false));
    let op = select! {
        Token::Insert => DmlOp::Insert,
        Token::Update => DmlOp::Update,
        Token::Delete => DmlOp::Delete,
        Token::Undelete => DmlOp::Undelete,
    };
    when.then(op)
        .validate(|(before, op), e, emitter| {
            if before && op == DmlOp::Undelete {
                emitter.emit(custom(
                    e.span(),
                    "Invalid trigger event: before undelete",
                    "undelete triggers run after only",
                ));
            }
            TriggerEvent { before, op }
        })
        .labelled("trigger event")
}
