//! Parser tests: snippets to AST shapes, and diagnostics with positions.

use super::*;
use crate::syntax::ast::*;

fn parse(text: &str) -> Script {
    match parse_script(&SourceFile::new("t.apex", text)) {
        Ok(s) => s,
        Err(d) => panic!("{text:?} failed: {d:?}"),
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match parse_script(&SourceFile::new("t.apex", text)) {
        Ok(s) => panic!("{text:?} parsed: {s:?}"),
        Err(d) => d,
    }
}

/// A compact prefix form of an expression, for precedence checks.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(l) => lit(l),
        ExprKind::Name(n) => n.name.to_string(),
        ExprKind::Field {
            target,
            field,
            safe,
        } => {
            format!(
                "{}{}{}",
                sx(target),
                if *safe { "?." } else { "." },
                field.name
            )
        }
        ExprKind::Call {
            target,
            method,
            args,
            ..
        } => {
            let args: Vec<_> = args.iter().map(sx).collect();
            let recv = target
                .as_ref()
                .map(|t| format!("{}.", sx(t)))
                .unwrap_or_default();
            format!("{recv}{}({})", method.name, args.join(", "))
        }
        ExprKind::Index { target, index } => format!("{}[{}]", sx(target), sx(index)),
        ExprKind::New { ty, init } => format!("(new {} {init:?})", ty_s(ty)),
        ExprKind::Unary { op, expr } => format!("({op:?} {})", sx(expr)),
        ExprKind::Binary { op, lhs, rhs } => format!("({op:?} {} {})", sx(lhs), sx(rhs)),
        ExprKind::Assign { target, op, value } => {
            format!("(= {:?} {} {})", op, sx(target), sx(value))
        }
        ExprKind::Ternary {
            cond,
            then,
            otherwise,
        } => {
            format!("(? {} {} {})", sx(cond), sx(then), sx(otherwise))
        }
        ExprKind::Cast { ty, expr } => format!("(cast {} {})", ty_s(ty), sx(expr)),
        ExprKind::InstanceOf { expr, ty } => format!("(instanceof {} {})", sx(expr), ty_s(ty)),
        ExprKind::Soql(q) => format!("[soql {}]", q.from.name),
        ExprKind::Sosl(text) => format!("[sosl {text}]"),
    }
}

fn lit(l: &Literal) -> String {
    match l {
        Literal::String(s) => format!("'{s}'"),
        other => format!("{other:?}"),
    }
}

fn ty_s(t: &TypeRef) -> String {
    let path: Vec<_> = t.path.iter().map(|p| p.name.to_string()).collect();
    let args: Vec<_> = t.args.iter().map(ty_s).collect();
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("<{}>", args.join(","))
    };
    format!(
        "{}{args}{}",
        path.join("."),
        "[]".repeat(t.array_dims.into())
    )
}

/// The single expression of a one-statement script `text;`.
fn expr(text: &str) -> String {
    let script = parse(&format!("x = {text};"));
    match &script.stmts[0].kind {
        StmtKind::Expr(Expr {
            kind: ExprKind::Assign { value, .. },
            ..
        }) => sx(value),
        other => panic!("{other:?}"),
    }
}

const CONTACTLESS: &str = "\
Profile p = [SELECT Id FROM Profile WHERE Name = 'External Identity User' LIMIT 1];
User u = new User();
u.FirstName = 'Jane';
u.ProfileID = p.Id;
insert u;
System.debug('created ' + u.Id);
";

#[test]
fn contactless_user_script_parses() {
    let script = parse(CONTACTLESS);
    assert_eq!(script.stmts.len(), 6);
    let StmtKind::Local { ty, vars } = &script.stmts[0].kind else {
        panic!()
    };
    assert_eq!(ty_s(ty), "Profile");
    let Some(Expr {
        kind: ExprKind::Soql(q),
        ..
    }) = &vars[0].1
    else {
        panic!()
    };
    assert_eq!(q.from.name.as_str(), "Profile");
    assert_eq!(q.select, vec![SoqlSelect::Field(vec![ident_at(&q.select)])]);
    let Some(SoqlCond::Compare {
        field,
        op: SoqlOp::Eq,
        value,
        ..
    }) = &q.filter
    else {
        panic!()
    };
    assert!(field[0].name.is("name"));
    assert!(
        matches!(value, SoqlValue::Literal(Literal::String(s), _) if s == "External Identity User")
    );
    assert!(matches!(
        q.limit,
        Some(SoqlValue::Literal(Literal::Integer(1), _))
    ));
    assert_eq!(&CONTACTLESS[q.span.clone()], &CONTACTLESS[13..81]);
    assert!(matches!(
        &script.stmts[4].kind,
        StmtKind::Dml {
            op: DmlOp::Insert,
            upsert_key: None,
            ..
        }
    ));
    let StmtKind::Expr(call) = &script.stmts[5].kind else {
        panic!()
    };
    assert_eq!(sx(call), "System.debug((Add 'created ' u.Id))");
}

fn ident_at(select: &[SoqlSelect]) -> Ident {
    match &select[0] {
        SoqlSelect::Field(p) => p[0].clone(),
        _ => panic!("a field comes first"),
    }
}

#[test]
fn more_sample_statements_parse() {
    let s = parse(
        "List<User> us = [SELECT Id, Username FROM User \
         WHERE Username = :name OR Alias IN :aliases];\
         delete us; Integer i = 0; i++; String s = 'it\\'s'; /* c */ // c",
    );
    assert_eq!(s.stmts.len(), 5);
    let StmtKind::Local { vars, .. } = &s.stmts[0].kind else {
        panic!()
    };
    let Some(Expr {
        kind: ExprKind::Soql(q),
        ..
    }) = &vars[0].1
    else {
        panic!()
    };
    let Some(SoqlCond::Or(a, b)) = &q.filter else {
        panic!("{:?}", q.filter)
    };
    assert!(matches!(
        &**a,
        SoqlCond::Compare {
            value: SoqlValue::Bind(_),
            ..
        }
    ));
    assert!(matches!(&**b, SoqlCond::Compare { op: SoqlOp::In, .. }));
    let StmtKind::Local { vars, .. } = &s.stmts[4].kind else {
        panic!()
    };
    assert!(
        matches!(&vars[0].1, Some(Expr { kind: ExprKind::Literal(Literal::String(t)), .. })
            if t == "it's")
    );
}

#[test]
fn precedence() {
    assert_eq!(
        expr("1 + 2 * 3"),
        "(Add Integer(1) (Mul Integer(2) Integer(3)))"
    );
    assert_eq!(expr("a || b && c"), "(Or a (And b c))");
    assert_eq!(expr("a ?? b || c"), "(Coalesce a (Or b c))");
    assert_eq!(expr("a == b < c"), "(Eq a (Lt b c))");
    assert_eq!(expr("a | b ^ c & d"), "(BitOr a (BitXor b (BitAnd c d)))");
    assert_eq!(expr("a << 1 + 2"), "(Shl a (Add Integer(1) Integer(2)))");
    assert_eq!(expr("a >> b >>> c"), "(UShr (Shr a b) c)");
    assert_eq!(expr("a > b"), "(Gt a b)");
    assert_eq!(expr("a <> b"), "(Ne a b)");
    assert_eq!(expr("a === b"), "(ExactEq a b)");
    assert_eq!(expr("c ? 1 : 2"), "(? c Integer(1) Integer(2))");
    assert_eq!(expr("-a.b"), "(Neg a.b)");
    assert_eq!(expr("!x++"), "(Not (PostInc x))");
    assert_eq!(expr("a - b - c"), "(Sub (Sub a b) c)");
    assert_eq!(expr("o instanceof Account"), "(instanceof o Account)");
}

#[test]
fn assignment_is_right_associative() {
    let s = parse("a = b += c; x >>= 1; y >>>= 2;");
    let StmtKind::Expr(e) = &s.stmts[0].kind else {
        panic!()
    };
    assert_eq!(sx(e), "(= None a (= Some(Add) b c))");
    let StmtKind::Expr(e) = &s.stmts[1].kind else {
        panic!()
    };
    assert_eq!(sx(e), "(= Some(Shr) x Integer(1))");
    let StmtKind::Expr(e) = &s.stmts[2].kind else {
        panic!()
    };
    assert_eq!(sx(e), "(= Some(UShr) y Integer(2))");
}

#[test]
fn casts_and_parentheses() {
    assert_eq!(expr("(Integer) o"), "(cast Integer o)");
    assert_eq!(
        expr("(List<Account>) [SELECT Id FROM Account]"),
        "(cast List<Account> [soql Account])"
    );
    assert_eq!(expr("(a) + b"), "(Add a b)");
    assert_eq!(expr("(a)[0]"), "a[Integer(0)]");
    assert_eq!(expr("(String) m.get('k')"), "(cast String m.get('k'))");
}

#[test]
fn member_access_calls_and_indexing() {
    assert_eq!(
        expr("a?.b.c(1, 2)[0]"),
        "a?.b.c(Integer(1), Integer(2))[Integer(0)]"
    );
    assert_eq!(
        expr("Database.insert(u, false)"),
        "Database.insert(u, Bool(false))"
    );
    assert_eq!(expr("f()"), "f()");
}

#[test]
fn new_forms() {
    assert_eq!(expr("new User()"), "(new User Args([]))");
    let fields = expr("new User(LastName = 'x', Alias = 'y')");
    assert!(fields.starts_with("(new User Fields(["), "{fields}");
    let list = expr("new List<String>{'a'}");
    assert!(list.starts_with("(new List<String> Elements(["), "{list}");
    let map = expr("new Map<String,Integer>{'a' => 1}");
    assert!(map.starts_with("(new Map<String,Integer> Pairs(["), "{map}");
    assert_eq!(
        expr("new Map<String, List<String>>{}"),
        "(new Map<String,List<String>> Pairs([]))"
    );
    assert!(expr("new String[3]").starts_with("(new String[] ArraySize("));
    assert!(expr("new String[]{'a'}").starts_with("(new String[] Elements("));
    assert!(expr("new List<User>(other)").starts_with("(new List<User> Args(["));
}

#[test]
fn declarations() {
    let s =
        parse("Map<Id, List<String>> m; String[] a; final Integer x = 1, y; System.Exception e;");
    let tys: Vec<_> = s
        .stmts
        .iter()
        .map(|st| match &st.kind {
            StmtKind::Local { ty, vars } => format!("{} {}", ty_s(ty), vars.len()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        tys,
        [
            "Map<Id,List<String>> 1",
            "String[] 1",
            "Integer 2",
            "System.Exception 1"
        ]
    );
}

#[test]
fn control_flow() {
    let s = parse(
        "if (a) { b(); } else if (c) d(); else { }\
         while (i < 10) i++;\
         for (Integer i = 0; i < 10; i++) { continue; }\
         for (;;) break;\
         for (User u : [SELECT Id FROM User]) { update u; }\
         return;",
    );
    let kinds: Vec<_> = s
        .stmts
        .iter()
        .map(|st| format!("{:?}", st.kind).chars().take(5).collect::<String>())
        .collect();
    assert_eq!(
        kinds,
        ["If { ", "While", "For {", "For {", "ForEa", "Retur"]
    );
}

#[test]
fn dml_statements() {
    let s = parse(
        "insert a; update b; upsert c Ext__c; upsert d Account.Fields.Ext__c; \
         delete e; undelete f; upsert g;",
    );
    let keys: Vec<_> = s
        .stmts
        .iter()
        .map(|st| match &st.kind {
            StmtKind::Dml { op, upsert_key, .. } => {
                format!(
                    "{}{}",
                    op.title(),
                    upsert_key
                        .as_ref()
                        .map(|k| format!(" {}", k.name))
                        .unwrap_or_default()
                )
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        [
            "Insert",
            "Update",
            "Upsert Ext__c",
            "Upsert Ext__c",
            "Delete",
            "Undelete",
            "Upsert"
        ]
    );
}

#[test]
fn keywords_and_soql_words_in_any_case() {
    parse("INSERT u; Integer limit = 1; String order = 'x'; IF (TRUE) { x = NULL; }");
    let s =
        parse("List<Account> a = [select Name from Account where Name like 'x%' order by Name];");
    assert_eq!(s.stmts.len(), 1);
}

#[test]
fn full_soql_query() {
    let q = parse_soql(
        "SELECT f1, Rel.f2, COUNT() FROM Obj WHERE a = 'x' AND (b != null OR c IN :ids) \
         AND d LIKE 'x%' AND e NOT IN ('a','b') AND NOT g < -5 \
         ORDER BY f DESC NULLS LAST, h LIMIT 1 OFFSET :n",
    )
    .unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(q.select.len(), 3);
    assert!(matches!(q.select[2], SoqlSelect::Count(_)));
    assert_eq!(q.order_by.len(), 2);
    assert!(q.order_by[0].descending && q.order_by[0].nulls_first == Some(false));
    assert!(matches!(q.offset, Some(SoqlValue::Bind(_))));
    let text = format!("{:?}", q.filter);
    assert!(text.contains("NotIn") && text.contains("Like") && text.contains("Integer(-5)"));
}

#[test]
fn soql_binds_take_member_chains() {
    let q = parse_soql("SELECT Id FROM User WHERE Id = :u.Id AND AccountId = :acct.getId()")
        .unwrap_or_else(|d| panic!("{d:?}"));
    let text = format!("{:?}", q.filter);
    assert!(text.contains("getId"), "{text}");
}

#[test]
fn missing_semicolon_is_reported_like_apex() {
    let d = errors("insert u\nSystem.debug(1);");
    assert_eq!(d[0].message, "Missing ';' at 'System'");
    let f = SourceFile::new("t", "insert u\nSystem.debug(1);");
    assert_eq!(f.line_col(d[0].span.start), (2, 1));
}

#[test]
fn unexpected_token_says_what_was_expected() {
    let text = "Integer x = ;";
    let d = errors(text);
    assert_eq!(d[0].message, "Unexpected token ';'.");
    assert_eq!(d[0].label, "expected an expression");
    assert_eq!(
        SourceFile::new("t", text).line_col(d[0].span.start),
        (1, 13)
    );
}

#[test]
fn bare_expressions_are_not_statements() {
    let d = errors("a + 1;");
    assert_eq!(d[0].message, "Expression cannot be a statement.");
}

#[test]
fn several_errors_in_one_run() {
    let d = errors("Integer x = ;\nx + 1;\ny = 2;\nz = );");
    assert!(d.len() >= 3, "{d:?}");
}

#[test]
fn lex_errors_are_reported_once_in_context() {
    let d = errors("Integer i = 2147483648;");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].message, "Illegal integer");
    let d = errors("String s = 'abc;\nx = 1;");
    assert_eq!(d[0].message, "Unterminated string literal");
}

#[test]
fn nested_generics_close_with_adjacent_angles() {
    parse(
        "List<List<String>> a; Map<String, Map<String, List<Integer>>> b = \
         new Map<String, Map<String, List<Integer>>>();",
    );
}

/// Parses without caring about the outcome; the point is that it returns.
fn survive(text: &str) {
    let _ = parse_script(&SourceFile::new("t.apex", text));
    let _ = parse_soql(text);
}

#[test]
fn every_prefix_of_a_script_is_handled() {
    let sample = format!(
        "{CONTACTLESS}List<User> us = \
         [SELECT Id FROM User WHERE Alias IN :a ORDER BY Name LIMIT :n];\
         for (User x : us) {{ if (x.Id != null) {{ x.Alias = 'a\\'b'; }} else {{ break; }} }}\
         Map<String, List<Integer>> m = \
         new Map<String, List<Integer>>{{'k' => new List<Integer>{{1}}}};\
         Integer i = (Integer) m.get('k')[0] >>> 2; upsert us Ext__c; /* done */"
    );
    for (i, _) in sample.char_indices() {
        survive(&sample[..i]);
        survive(&sample[i..]);
    }
}

#[test]
fn malformed_fragments_are_handled() {
    let cases = [
        "'",
        "'''",
        "'abc",
        "'\\",
        "'\\u12",
        "/*",
        "/* x",
        "*/",
        "\"",
        "#",
        "é",
        "\0",
        "}",
        "{",
        ")",
        "(",
        "[",
        "]",
        "[SELECT",
        "[SELECT Id FROM",
        "x = [SELECT Id FROM A WHERE",
        "new",
        "new List<",
        "new Map<String,",
        "a ?",
        "a ? b :",
        "for (",
        "for (;;",
        "if (",
        "upsert",
        "final",
        "List<List<String>",
        "x = :y;",
        "x = 1L + 99999999999999999999L;",
        "x = 1.5d + 1e400d;",
        "x >>>>= 1;",
        "a > > b;",
        "(((",
        "]]]",
        "x = (Integer);",
    ];
    for case in cases {
        survive(case);
    }
}

#[test]
fn random_input_is_handled() {
    let vocab = [
        "x",
        "User",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ";",
        ",",
        ".",
        "?.",
        "?",
        ":",
        "=",
        "==",
        "<",
        ">",
        "+",
        "-",
        "++",
        "!",
        "new",
        "insert",
        "if",
        "else",
        "for",
        "SELECT",
        "FROM",
        "WHERE",
        "IN",
        "'s'",
        "1",
        "2.5",
        "null",
        "=>",
        "List",
        "Map",
        "instanceof",
        "'",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..300 {
        let len = (next() % 40) as usize;
        let soup: Vec<&str> = (0..len)
            .map(|_| vocab[(next() as usize) % vocab.len()])
            .collect();
        survive(&soup.join(" "));
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        survive(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for open in ["(", "[", "{"] {
        let d = errors(&open.repeat(10_000));
        assert!(d[0].message.contains("nested"), "{d:?}");
    }
    let d = errors(&format!(
        "x = {}1{};",
        "(".repeat(10_000),
        ")".repeat(10_000)
    ));
    assert!(d[0].message.contains("nested"), "{d:?}");
}

#[test]
fn moderate_nesting_parses() {
    let n = MAX_NESTING - 1;
    parse(&format!("x = {}1{};", "(".repeat(n), ")".repeat(n)));
}

#[test]
fn long_chains_do_not_overflow() {
    let n = 10_000;
    survive(&format!("x = {}1;", "- ".repeat(n)));
    survive(&format!("x = {}1;", "!".repeat(n)));
    survive(&format!("x = {}1;", "a + ".repeat(n)));
    survive(&format!("{}1;", "a = ".repeat(n)));
    survive(&format!("x = {}1;", "c ? 1 : ".repeat(n)));
    survive(&format!("x = a{};", ".b".repeat(n)));
    survive(&format!("{}x = 1;", "if (a) ".repeat(n)));
    survive(&format!("if (a) x = 1;{}", " else if (a) x = 1;".repeat(n)));
    survive(&format!("List{} x;", "<List".repeat(n)));
    survive(&format!("SELECT Id FROM A WHERE {}a = 1", "NOT ".repeat(n)));
}

#[test]
fn deep_trees_are_refused_with_a_diagnostic() {
    let d = errors(&format!("x = {}1;", "a + ".repeat(MAX_DEPTH + 10)));
    assert!(d[0].message.contains("nested more than"), "{d:?}");
    let d = errors(&format!("x = {}1;", "a + ".repeat(MAX_CHAIN + 10)));
    assert!(d[0].message.contains("too complex"), "{d:?}");
    parse(&format!("x = {}1;", "a + ".repeat(MAX_DEPTH / 2)));
}
#[test]
fn labels_name_the_closing_token_not_every_operator() {
    let d = errors("x = (1 + 2;");
    assert_eq!(
        (d[0].message.as_str(), d[0].label.as_str()),
        ("Unexpected token ';'.", "expected ')'")
    );
    let d = errors("x = a ? b;");
    assert_eq!(d[0].label, "expected ':'");
    let d = errors("List<User> us = [SELECT FROM User];");
    assert_eq!(d[0].label, "expected ',' or FROM");
}

#[test]
fn recovery_skips_a_broken_loop_header_and_its_body() {
    let d = errors("for (Integer i = 0; i < 3; i++ { }\nx = ;");
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].message, "Unexpected token '{'.");
    assert_eq!(d[1].label, "expected an expression");
}

fn kind_of(text: &str) -> StmtKind {
    let mut s = parse(text);
    assert_eq!(s.stmts.len(), 1, "{text}");
    s.stmts.remove(0).kind
}

#[test]
fn do_while_and_throw() {
    let StmtKind::DoWhile { body, cond } = kind_of("do { i++; } while (i < 3);") else {
        panic!()
    };
    assert!(matches!(body.kind, StmtKind::Block(ref b) if b.len() == 1));
    assert_eq!(sx(&cond), "(Lt i Integer(3))");
    let StmtKind::Throw(e) = kind_of("throw new MyException('bad');") else {
        panic!()
    };
    assert!(sx(&e).starts_with("(new MyException Args("));
    let d = errors("do { } while (x)");
    assert_eq!(d[0].message, "Missing ';' at end of input");
}

#[test]
fn try_catch_finally() {
    let StmtKind::Try {
        body,
        catches,
        finally,
    } = kind_of(
        "try { insert u; } catch (DmlException e) { x = 1; } \
         catch (final Exception e) { } finally { y = 2; }",
    )
    else {
        panic!()
    };
    assert_eq!(body.len(), 1);
    let caught: Vec<_> = catches
        .iter()
        .map(|c| format!("{} {}", ty_s(&c.ty), c.var.name))
        .collect();
    assert_eq!(caught, ["DmlException e", "Exception e"]);
    assert_eq!(finally.map(|f| f.len()), Some(1));
    assert!(matches!(
        kind_of("try { } finally { }"),
        StmtKind::Try { ref catches, finally: Some(_), .. } if catches.is_empty()
    ));
    let d = errors("try { x(); }");
    assert!(d[0].message.contains("catch or finally"), "{d:?}");
}

#[test]
fn switch_on_values_types_and_else() {
    let StmtKind::Switch { subject, whens } = kind_of(
        "switch on x.y { when 1, -2 { a(); } when 'a' { } when RED, GREEN { } \
         when null { } when Account a { } when else { b(); } }",
    ) else {
        panic!()
    };
    assert_eq!(sx(&subject), "x.y");
    let shapes: Vec<String> = whens
        .iter()
        .map(|w| match &w.kind {
            WhenKind::Values(vs) => vs.iter().map(sx).collect::<Vec<_>>().join(","),
            WhenKind::Type { ty, var } => format!("{} {}", ty_s(ty), var.name),
            WhenKind::Else => "else".into(),
        })
        .collect();
    assert_eq!(
        shapes,
        [
            "Integer(1),Integer(-2)",
            "'a'",
            "RED,GREEN",
            "Null",
            "Account a",
            "else"
        ]
    );
    let d = errors("switch on x { when else { } when 1 { } }");
    assert!(d[0].message.contains("last"), "{d:?}");
    errors("switch on x { }");
}

#[test]
fn run_as_is_a_statement() {
    let StmtKind::RunAs { user, body } = kind_of("System.runAs(u) { insert a; b(); }") else {
        panic!()
    };
    assert_eq!(sx(&user), "u");
    assert_eq!(body.len(), 2);
    assert!(matches!(
        kind_of("system.RUNAS(new User(Id = i)) { }"),
        StmtKind::RunAs { .. }
    ));
    assert!(matches!(kind_of("System.runAs(u);"), StmtKind::Expr(_)));
}

#[test]
fn classic_for_with_several_initialisers() {
    let StmtKind::For { init, update, .. } =
        kind_of("for (Integer i = 0, j = 10; i < j; i++, j--) { }")
    else {
        panic!()
    };
    assert!(matches!(init.map(|s| s.kind), Some(StmtKind::Local { vars, .. }) if vars.len() == 2));
    assert_eq!(update.len(), 2);
    let StmtKind::For { init, .. } = kind_of("for (i = 0, j = 1; i < j; i++) { }") else {
        panic!()
    };
    assert!(matches!(init.map(|s| s.kind), Some(StmtKind::Block(b)) if b.len() == 2));
    let StmtKind::For { init, .. } = kind_of("for (i = 0; i < 3; i++) { }") else {
        panic!()
    };
    assert!(matches!(init.map(|s| s.kind), Some(StmtKind::Expr(_))));
}

#[test]
fn dml_access_modes_are_accepted() {
    for text in [
        "insert as user u;",
        "update as system u;",
        "upsert as user u Ext__c;",
        "delete AS SYSTEM u;",
    ] {
        assert!(matches!(kind_of(text), StmtKind::Dml { .. }), "{text}");
    }
    let StmtKind::Dml { target, .. } = kind_of("insert as;") else {
        panic!()
    };
    assert_eq!(sx(&target), "as");
}

#[test]
fn least_integer_and_long_literals() {
    assert_eq!(expr("-2147483648"), "Integer(-2147483648)");
    assert_eq!(expr("-9223372036854775808L"), "Long(-9223372036854775808)");
    assert_eq!(expr("- -2147483648"), "(Neg Integer(-2147483648))");
    assert_eq!(
        expr("1 - -2147483648"),
        "(Sub Integer(1) Integer(-2147483648))"
    );
    let d = errors("Integer i = 2147483648;");
    assert_eq!((d.len(), d[0].message.as_str()), (1, "Illegal integer"));
    let d = errors("Long l = 9223372036854775808L;");
    assert_eq!(d[0].message, "Illegal long");
    let d = errors("x = 1 - 2147483648;");
    assert_eq!(d[0].message, "Illegal integer");
    let q =
        parse_soql("SELECT Id FROM A WHERE n = -2147483648").unwrap_or_else(|d| panic!("{d:?}"));
    assert!(format!("{:?}", q.filter).contains("Integer(-2147483648)"));
}

#[test]
fn sosl_class_literals_and_constructor_calls() {
    assert_eq!(
        expr("[FIND 'Acme' IN ALL FIELDS RETURNING Account(Name), Contact]"),
        "[sosl FIND 'Acme' IN ALL FIELDS RETURNING Account(Name), Contact]"
    );
    assert_eq!(expr("Foo.class"), "Foo.class");
    assert_eq!(expr("Foo.class.getName()"), "Foo.class.getName()");
    assert_eq!(expr("this.name"), "this.name");
    let StmtKind::Expr(call) = kind_of("this(1, 2);") else {
        panic!()
    };
    assert_eq!(sx(&call), "this(Integer(1), Integer(2))");
    let StmtKind::Expr(call) = kind_of("super();") else {
        panic!()
    };
    assert_eq!(sx(&call), "super()");
}

fn unit(text: &str) -> Unit {
    match parse_unit(&SourceFile::new("t.cls", text)) {
        Ok(u) => u,
        Err(d) => panic!("{text:?} failed: {d:?}"),
    }
}

fn unit_errors(text: &str) -> Vec<Diagnostic> {
    match parse_unit(&SourceFile::new("t.cls", text)) {
        Ok(u) => panic!("{text:?} parsed: {u:?}"),
        Err(d) => d,
    }
}

fn class(text: &str) -> (TypeDecl, ClassBody) {
    match unit(text) {
        Unit::Type(t) => match t.kind.clone() {
            TypeDeclKind::Class(b) | TypeDeclKind::Interface(b) => (t, b),
            TypeDeclKind::Enum(_) => panic!("enum"),
        },
        Unit::Trigger(t) => panic!("{t:?}"),
    }
}

/// A one-line summary of a member.
fn member_s(m: &Member) -> String {
    let words = |mods: &Modifiers| {
        let mut out: Vec<String> = mods
            .annotations
            .iter()
            .map(|a| format!("@{}", a.name.name))
            .collect();
        out.extend(mods.words.iter().map(|w| format!("{w:?}")));
        out.join(" ")
    };
    let method = |m: &MethodDecl| {
        let params: Vec<_> = m
            .params
            .iter()
            .map(|p| format!("{} {}", ty_s(&p.ty), p.name.name))
            .collect();
        let ret = m.ret.as_ref().map(ty_s).unwrap_or("void".into());
        let body = m.body.as_ref().map(|b| b.len().to_string());
        format!(
            "{} {ret} {}({}) {}",
            words(&m.modifiers),
            m.name.name,
            params.join(", "),
            body.unwrap_or(";".into())
        )
    };
    match m {
        Member::Field(f) => {
            let vars: Vec<_> = f.vars.iter().map(|(n, _)| n.name.to_string()).collect();
            format!(
                "field {} {} {}",
                words(&f.modifiers),
                ty_s(&f.ty),
                vars.join(",")
            )
        }
        Member::Method(m) => format!("method {}", method(m)),
        Member::Constructor(m) => format!("ctor {}", method(m)),
        Member::Property(p) => {
            let acc = |a: &Option<Accessor>| match a {
                None => "-".to_string(),
                Some(a) => format!(
                    "{}{}",
                    words(&a.modifiers),
                    a.body
                        .as_ref()
                        .map_or("auto".into(), |b| b.len().to_string())
                ),
            };
            format!(
                "prop {} {} {} get:{} set:{}",
                words(&p.modifiers),
                ty_s(&p.ty),
                p.name.name,
                acc(&p.getter),
                acc(&p.setter)
            )
        }
        Member::Initializer {
            is_static, body, ..
        } => format!("init static={is_static} {}", body.len()),
        Member::Type(t) => format!("type {}", t.name.name),
    }
}

#[test]
fn class_members_of_every_kind() {
    let (decl, body) = class(
        "public with sharing class Foo extends Base implements I1, Ns.I2 {
            private static final Integer MAX = 5, MIN;
            public String[] names;
            transient Map<Id, List<Map<String, Set<Id>>>> deep;
            public String Name { get; set; }
            public Integer Count { get { return c; } private set { c = value; } }
            public Id Owner { get; }
            static { MAX2 = 1; }
            { x = 2; }
            public Foo() { this(1); }
            Foo(Integer a, final String[] b) { super(a); }
            public override String toString() { return 'x'; }
            public virtual void run();
            @TestVisible private static void helper(List<String> xs) { }
            webservice static testMethod void legacy() { }
            public enum Color { RED, GREEN }
            public class Inner extends Exception { }
            interface Shape { Decimal area(); }
        }",
    );
    assert_eq!(decl.name.name.as_str(), "Foo");
    assert_eq!(
        decl.modifiers.words,
        [Modifier::Public, Modifier::WithSharing]
    );
    assert_eq!(body.extends.as_ref().map(ty_s).as_deref(), Some("Base"));
    let imps: Vec<_> = body.implements.iter().map(ty_s).collect();
    assert_eq!(imps, ["I1", "Ns.I2"]);
    let members: Vec<_> = body.members.iter().map(member_s).collect();
    assert_eq!(
        members,
        [
            "field Private Static Final Integer MAX,MIN",
            "field Public String[] names",
            "field Transient Map<Id,List<Map<String,Set<Id>>>> deep",
            "prop Public String Name get:auto set:auto",
            "prop Public Integer Count get:1 set:Private1",
            "prop Public Id Owner get:auto set:-",
            "init static=true 1",
            "init static=false 1",
            "ctor Public void Foo() 1",
            "ctor  void Foo(Integer a, String[] b) 1",
            "method Public Override String toString() 1",
            "method Public Virtual void run() ;",
            "method @TestVisible Private Static void helper(List<String> xs) 0",
            "method WebService Static TestMethod void legacy() 0",
            "type Color",
            "type Inner",
            "type Shape",
        ]
    );
}

#[test]
fn interfaces_and_enums() {
    let (decl, body) =
        class("public interface Shape extends A, B { Decimal area(); void draw(Integer x); }");
    assert!(matches!(decl.kind, TypeDeclKind::Interface(_)));
    assert_eq!(body.implements.len(), 2);
    assert_eq!(body.members.len(), 2);
    let Unit::Type(TypeDecl {
        kind: TypeDeclKind::Enum(values),
        ..
    }) = unit("public enum Season { WINTER, SPRING, SUMMER, FALL }")
    else {
        panic!()
    };
    assert_eq!(values.len(), 4);
    assert!(matches!(
        unit("enum Empty { }"),
        Unit::Type(TypeDecl { kind: TypeDeclKind::Enum(v), .. }) if v.is_empty()
    ));
}

#[test]
fn annotations_with_arguments() {
    let (decl, body) = class(
        "@isTest(SeeAllData=true) private class T {
            @TestSetup static void setup() { }
            @AuraEnabled(cacheable=true) public static List<Account> get() { return null; }
            @future(callout=true) static void call() { }
            @SuppressWarnings('PMD') void quiet() { }
            @InvocableMethod(label='Go' description='Does it', category=Flows.X) \
            public static void go(List<Id> ids) { }
        }",
    );
    let a = decl.modifiers.annotation("ISTEST").expect("isTest");
    assert_eq!(a.args.len(), 1);
    assert!(
        a.args[0]
            .0
            .as_ref()
            .is_some_and(|k| k.name.is("seealldata"))
    );
    assert_eq!(sx(&a.args[0].1), "Bool(true)");
    let Member::Method(m) = &body.members[3] else {
        panic!()
    };
    let pmd = m
        .modifiers
        .annotation("suppresswarnings")
        .expect("annotation");
    assert!(pmd.args[0].0.is_none());
    assert_eq!(sx(&pmd.args[0].1), "'PMD'");
    let Member::Method(m) = &body.members[4] else {
        panic!()
    };
    let args: Vec<_> = m.modifiers.annotations[0]
        .args
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.as_ref().map(|k| k.name.to_string()).unwrap_or_default(),
                sx(v)
            )
        })
        .collect();
    assert_eq!(
        args,
        ["label='Go'", "description='Does it'", "category=Flows.X"]
    );
}

#[test]
fn constructors_must_be_named_after_their_class() {
    let d = unit_errors("public class Foo { public Bar() { } }");
    assert_eq!(d[0].message, "Invalid constructor name: Bar");
    unit("public class Foo { public FOO() { } }");
}

#[test]
fn broken_members_are_skipped_and_reported() {
    let d = unit_errors(concat!(
        "public class Foo {\n  public Integer x = ;\n",
        "  public void ok() { }\n  public void bad( { }\n}"
    ));
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].label, "expected an expression");
}

#[test]
fn scripts_declare_methods_and_types_among_statements() {
    let s = parse(
        "Integer twice(Integer x) { return x * 2; }
         static void helper() { }
         System.debug(twice(2));
         public class Box { public Integer v; }
         Box b = new Box();
         interface Greeter { String greet(); }
         enum Mode { A, B }
         List<String> names(Set<Id> ids) { return null; }
         final Integer k = 1;",
    );
    assert_eq!(s.stmts.len(), 3);
    let methods: Vec<_> = s.methods.iter().map(|m| m.name.name.to_string()).collect();
    assert_eq!(methods, ["twice", "helper", "names"]);
    assert!(s.methods[1].ret.is_none() && s.methods[1].modifiers.has(Modifier::Static));
    let types: Vec<_> = s.types.iter().map(|t| t.name.name.to_string()).collect();
    assert_eq!(types, ["Box", "Greeter", "Mode"]);
}

#[test]
fn a_broken_method_in_a_script_reports_where_it_broke() {
    let d = errors("Integer twice(Integer x { return x; }\nx = 1;");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].message, "Unexpected token '{'.");
}

#[test]
fn triggers() {
    let Unit::Trigger(t) = unit(
        "trigger AccountTrigger on Account (before insert, after update, after undelete) {
            for (Account a : Trigger.new) { a.Name = a.Name.trim(); }
            if (Trigger.isAfter) { AccountService.sync(Trigger.newMap.keySet()); }
        }",
    ) else {
        panic!()
    };
    assert_eq!(t.name.name.as_str(), "AccountTrigger");
    assert_eq!(t.object.name.as_str(), "Account");
    assert_eq!(
        t.events,
        [
            TriggerEvent {
                before: true,
                op: DmlOp::Insert
            },
            TriggerEvent {
                before: false,
                op: DmlOp::Update
            },
            TriggerEvent {
                before: false,
                op: DmlOp::Undelete
            },
        ]
    );
    assert_eq!(t.body.len(), 2);
    let d = unit_errors("trigger T on User (before undelete) { }");
    assert!(d[0].message.contains("before undelete"), "{d:?}");
    unit_errors("trigger T on User () { }");
}
