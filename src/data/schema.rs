//! Objects and fields: types, lengths, picklists, references, key prefixes.
//!
//! The standard objects apexlite knows are described here as data. Every
//! object's first field is `Id`; field lookups ignore case.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// What kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// The record Id.
    Id,
    /// A lookup to another object (`reference_to`).
    Reference,
    /// Plain text.
    String,
    /// Long text.
    TextArea,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A URL.
    Url,
    /// A picklist; restricted when `restricted` is set on the field.
    Picklist,
    /// A multi-select picklist: values joined by `;`, each one checked
    /// against the picklist when the field is restricted.
    MultiPicklist,
    /// A checkbox.
    Boolean,
    /// An Integer.
    Int,
    /// A Double.
    Double,
    /// A number with scale.
    Decimal,
    /// A currency amount.
    Currency,
    /// A date.
    Date,
    /// A date and time.
    DateTime,
}

/// One field of an object.
#[derive(Debug)]
pub struct FieldDef {
    /// The API name, e.g. `LastName`.
    pub name: &'static str,
    /// The label used in error messages, e.g. `Last Name`.
    pub label: &'static str,
    /// The value type.
    pub ty: FieldType,
    /// Maximum length for text types, 0 otherwise.
    pub length: u32,
    /// Required on create (reported by `REQUIRED_FIELD_MISSING`).
    pub required: bool,
    /// Can be set on insert.
    pub createable: bool,
    /// Can be changed on update.
    pub updateable: bool,
    /// For references, the object names it may point to.
    pub reference_to: &'static [&'static str],
    /// For picklists, the allowed values.
    pub picklist: &'static [&'static str],
    /// For picklists, whether other values are refused.
    pub restricted: bool,
    /// Values must be unique across the object's records.
    pub unique: bool,
    /// Can name the matching field of an upsert (`upsert contacts Email;`):
    /// the platform's idLookup property.
    pub id_lookup: bool,
    /// For numbers, the total digits the field holds (0: no limit).
    pub precision: u8,
    /// For numbers, the digits after the decimal point.
    pub scale: u8,
}

impl FieldDef {
    /// A createable, updateable, optional field without picklist or reference.
    pub const fn new(
        name: &'static str,
        label: &'static str,
        ty: FieldType,
        length: u32,
    ) -> FieldDef {
        FieldDef {
            name,
            label,
            ty,
            length,
            required: false,
            createable: true,
            updateable: true,
            reference_to: &[],
            picklist: &[],
            restricted: false,
            unique: false,
            id_lookup: false,
            precision: 0,
            scale: 0,
        }
    }

    /// Sets a number field's precision (total digits) and scale (digits
    /// after the point), as the platform's describe reports them.
    pub const fn digits(mut self, precision: u8, scale: u8) -> FieldDef {
        self.precision = precision;
        self.scale = scale;
        self
    }

    /// Marks the field required on create.
    pub const fn required(mut self) -> FieldDef {
        self.required = true;
        self
    }

    /// Marks the field system-maintained: neither createable nor updateable.
    pub const fn read_only(mut self) -> FieldDef {
        self.createable = false;
        self.updateable = false;
        self
    }

    /// Marks the field set by the system on insert and changeable on update.
    pub const fn update_only(mut self) -> FieldDef {
        self.createable = false;
        self
    }

    /// Marks the field settable on insert only.
    pub const fn create_only(mut self) -> FieldDef {
        self.updateable = false;
        self
    }

    /// Marks the field unique across the object's records (ignoring case).
    pub const fn unique(mut self) -> FieldDef {
        self.unique = true;
        self
    }

    /// Marks the field usable as an upsert's matching field (idLookup).
    pub const fn id_lookup(mut self) -> FieldDef {
        self.id_lookup = true;
        self
    }

    /// Sets the objects a reference field may point to.
    pub const fn to(mut self, objects: &'static [&'static str]) -> FieldDef {
        self.reference_to = objects;
        self
    }

    /// Sets a picklist's values and whether other values are refused.
    pub const fn values(mut self, values: &'static [&'static str], restricted: bool) -> FieldDef {
        self.picklist = values;
        self.restricted = restricted;
        self
    }

    /// True for the types stored as text (everything but numbers, booleans
    /// and dates).
    pub fn is_text(&self) -> bool {
        matches!(
            self.ty,
            FieldType::Id
                | FieldType::Reference
                | FieldType::String
                | FieldType::TextArea
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Picklist
                | FieldType::MultiPicklist
        )
    }

    /// True for `Id` and reference fields, whose values are record Ids.
    pub fn is_id(&self) -> bool {
        matches!(self.ty, FieldType::Id | FieldType::Reference)
    }

    /// For a reference field, the relationship name used in SOQL paths:
    /// `ProfileId` → `Profile`.
    pub fn relationship_name(&self) -> Option<&'static str> {
        match self.ty {
            FieldType::Reference => self.name.strip_suffix("Id"),
            _ => None,
        }
    }
}

/// One object (sObject type).
#[derive(Debug)]
pub struct ObjectDef {
    /// The API name, e.g. `User`.
    pub name: &'static str,
    /// The three-character Id prefix, e.g. `005`.
    pub key_prefix: &'static str,
    /// A setup object for mixed-DML purposes.
    pub setup: bool,
    /// The fields, `Id` first.
    pub fields: Vec<FieldDef>,
    by_name: HashMap<String, usize>,
}

impl ObjectDef {
    /// Makes an object definition; `fields` must start with `Id`.
    pub fn new(
        name: &'static str,
        key_prefix: &'static str,
        setup: bool,
        fields: Vec<FieldDef>,
    ) -> ObjectDef {
        debug_assert_eq!(fields.first().map(|f| f.name), Some("Id"), "Id comes first");
        // Both the folded and the API spelling are keys: lookups by the API
        // name (the common case in the save pipeline) then never fold case.
        let by_name = fields
            .iter()
            .enumerate()
            .flat_map(|(i, f)| [(f.name.to_ascii_lowercase(), i), (f.name.to_string(), i)])
            .collect();
        ObjectDef {
            name,
            key_prefix,
            setup,
            fields,
            by_name,
        }
    }

    /// The index of a field by name, in any case.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.by_name.get(name) {
            return Some(i);
        }
        self.by_name.get(&name.to_ascii_lowercase()).copied()
    }

    /// A field by name, in any case.
    pub fn field(&self, name: &str) -> Option<(usize, &FieldDef)> {
        self.field_index(name).map(|i| (i, &self.fields[i]))
    }

    /// True when the object keeps deleted records in the recycle bin
    /// (it has an `IsDeleted` field).
    pub fn has_recycle_bin(&self) -> bool {
        self.by_name.contains_key("isdeleted")
    }
}

/// All objects the org knows.
#[derive(Debug)]
pub struct Schema {
    /// The objects.
    pub objects: Vec<ObjectDef>,
    by_name: HashMap<String, usize>,
    by_prefix: HashMap<&'static str, usize>,
}

impl Schema {
    fn new(objects: Vec<ObjectDef>) -> Schema {
        let by_name = objects
            .iter()
            .enumerate()
            .flat_map(|(i, o)| [(o.name.to_ascii_lowercase(), i), (o.name.to_string(), i)])
            .collect();
        let by_prefix = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.key_prefix, i))
            .collect();
        Schema {
            objects,
            by_name,
            by_prefix,
        }
    }

    /// An object by API name, in any case.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        let i = match self.by_name.get(name) {
            Some(&i) => i,
            None => *self.by_name.get(&name.to_ascii_lowercase())?,
        };
        Some(&self.objects[i])
    }

    /// The object whose Ids start with `prefix`.
    pub fn object_by_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.by_prefix.get(prefix).map(|&i| &self.objects[i])
    }
}

/// A child relationship: the name a parent's query uses for the records
/// that point at it (`Contacts` on Account, through `Contact.AccountId`).
#[derive(Clone, Copy, Debug)]
pub struct ChildRelationship {
    /// The name, as the platform spells it.
    pub name: &'static str,
    /// The child object.
    pub child: &'static ObjectDef,
    /// The child's reference field pointing at the parent.
    pub field: usize,
}

/// Parent object, relationship name, child object and its reference field.
const CHILD_RELATIONSHIPS: &[(&str, &str, &str, &str)] = &[
    ("Account", "Contacts", "Contact", "AccountId"),
    ("Account", "ChildAccounts", "Account", "ParentId"),
    ("Profile", "Users", "User", "ProfileId"),
    ("UserRole", "Users", "User", "UserRoleId"),
];

/// The child relationship of `parent` called `name`, in any case.
pub fn child_relationship(parent: &ObjectDef, name: &str) -> Option<ChildRelationship> {
    let &(_, name, child, field) = CHILD_RELATIONSHIPS
        .iter()
        .find(|(p, n, ..)| *p == parent.name && n.eq_ignore_ascii_case(name))?;
    let child = schema().object(child)?;
    let field = child.field_index(field)?;
    Some(ChildRelationship { name, child, field })
}

/// The schema of every org: the standard objects apexlite supports.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| Schema::new(standard_objects()))
}

fn standard_objects() -> Vec<ObjectDef> {
    crate::data::objects::standard_objects()
}
