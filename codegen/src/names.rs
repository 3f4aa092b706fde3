//! Identifier spelling shared by the emitters; matches how typify and progenitor name things.

/// `volume_action` -> `VolumeAction`, `VolumeShow` -> `VolumeShow`.
pub fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// `ResetStatus` -> `reset_status`, `os-extend` -> `os_extend`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_like_the_generator() {
        assert_eq!(pascal_case("volume_action"), "VolumeAction");
        assert_eq!(pascal_case("VolumeShow"), "VolumeShow");
        assert_eq!(snake_case("ResetStatus"), "reset_status");
        assert_eq!(
            snake_case("os-extend_volume_completion"),
            "os_extend_volume_completion"
        );
        assert_eq!(snake_case("AddProjectAccess"), "add_project_access");
    }
}
