//! Finding the tests of a source tree: `@isTest` classes, their test methods
//! (`@isTest` or the old `testMethod` keyword) and `@testSetup` methods.
//!
//! The platform's texts for misplaced test methods and malformed `@isTest`
//! parameters are not documented; the messages here are guesses in the
//! compiler's style.

use crate::syntax::ast::{self, Member, MethodDecl, Modifier, TypeDeclKind};
use crate::syntax::source::{Diagnostic, Span};

/// A test class and what runs in it.
#[derive(Clone, Debug, PartialEq)]
pub struct TestClass {
    /// The class name as declared.
    pub name: String,
    /// The file it is declared in (its index in the compiled files).
    pub file: usize,
    /// `@isTest(SeeAllData=true)` on the class.
    pub see_all_data: bool,
    /// `@testSetup` methods, in declaration order.
    pub setup: Vec<String>,
    /// Test methods, in declaration order.
    pub methods: Vec<TestMethod>,
}

/// One test method.
#[derive(Clone, Debug, PartialEq)]
pub struct TestMethod {
    /// The method name as declared.
    pub name: String,
    /// `@isTest(SeeAllData=true)` on the class or the method.
    pub see_all_data: bool,
}

/// The test classes among `types` (each with the file it came from), and
/// the misplaced test declarations as diagnostics.
pub fn discover(types: &[(usize, ast::TypeDecl)]) -> (Vec<TestClass>, Vec<Diagnostic>) {
    let mut classes = Vec::new();
    let mut errors = Vec::new();
    for (file, decl) in types {
        let mut report = |message: &str, span: &Span, label: &str| {
            let mut d = Diagnostic::new(message, span.clone(), label);
            d.file = *file;
            errors.push(d);
        };
        let TypeDeclKind::Class(body) = &decl.kind else {
            continue;
        };
        let is_test_class = decl.modifiers.annotation("isTest").is_some();
        check_parameters(&decl.modifiers, &mut report);
        let see_all = see_all_data(&decl.modifiers);
        let mut class = TestClass {
            name: decl.name.name.to_string(),
            file: *file,
            see_all_data: see_all,
            setup: Vec::new(),
            methods: Vec::new(),
        };
        for member in &body.members {
            let Member::Method(m) = member else { continue };
            let is_setup = m.modifiers.annotation("testSetup").is_some();
            let is_test =
                m.modifiers.annotation("isTest").is_some() || m.modifiers.has(Modifier::TestMethod);
            if !is_setup && !is_test {
                continue;
            }
            check_parameters(&m.modifiers, &mut report);
            if !is_test_class {
                let msg = "Test methods must be in test classes";
                report(msg, &m.name.span, "the class is not @isTest");
                continue;
            }
            if let Some(problem) = signature_problem(m) {
                report(
                    problem,
                    &m.name.span,
                    "not a test method the runner can call",
                );
                continue;
            }
            if is_setup {
                class.setup.push(m.name.name.to_string());
            } else {
                class.methods.push(TestMethod {
                    name: m.name.name.to_string(),
                    see_all_data: see_all || see_all_data(&m.modifiers),
                });
            }
        }
        if see_all && !class.setup.is_empty() {
            let msg = "Test classes with @isTest(SeeAllData=true) cannot have @testSetup methods";
            report(msg, &decl.name.span, "SeeAllData=true class");
            continue;
        }
        if is_test_class {
            classes.push(class);
        }
    }
    (classes, errors)
}

/// Why a test or setup method cannot run: it must be static, take no
/// parameters and have a body.
fn signature_problem(m: &MethodDecl) -> Option<&'static str> {
    if !m.modifiers.has(Modifier::Static) {
        Some("Test methods must be static")
    } else if !m.params.is_empty() {
        Some("Test methods cannot have parameters")
    } else if m.body.is_none() {
        Some("Test methods must have a body")
    } else if m.ret.is_some() {
        Some("Test methods must have a void return type")
    } else {
        None
    }
}

/// The parameters `@isTest` takes; each needs a `true` or `false` literal.
const IS_TEST_PARAMETERS: [&str; 3] = ["SeeAllData", "isParallel", "OnInstall"];

/// Reports `@isTest` parameters the platform does not know, and values that
/// are not Boolean literals (`SeeAllData='true'` included).
fn check_parameters(modifiers: &ast::Modifiers, report: &mut impl FnMut(&str, &Span, &str)) {
    let Some(annotation) = modifiers.annotation("isTest") else {
        return;
    };
    for (key, value) in &annotation.args {
        let Some(key) = key else {
            let msg = "Annotation isTest takes only named parameters: SeeAllData, isParallel \
                       or OnInstall";
            report(msg, &value.span, "no parameter name");
            continue;
        };
        if !IS_TEST_PARAMETERS.iter().any(|p| key.name.is(p)) {
            let msg = format!("Unknown parameter for annotation isTest: {}", key.name);
            report(&msg, &key.span, "not SeeAllData, isParallel or OnInstall");
        } else if !matches!(value.kind, ast::ExprKind::Literal(ast::Literal::Bool(_))) {
            let msg = format!("Annotation parameter {} takes true or false", key.name);
            report(&msg, &value.span, "not a Boolean literal");
        }
    }
}

/// True for `@isTest(SeeAllData=true)` (key and value in any case).
fn see_all_data(modifiers: &ast::Modifiers) -> bool {
    let Some(annotation) = modifiers.annotation("isTest") else {
        return false;
    };
    annotation.args.iter().any(|(key, value)| {
        key.as_ref().is_some_and(|k| k.name.is("SeeAllData"))
            && matches!(value.kind, ast::ExprKind::Literal(ast::Literal::Bool(true)))
    })
}
