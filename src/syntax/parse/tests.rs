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
        SoqlSelect::Count(_) => panic!(),
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
