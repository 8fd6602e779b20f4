"""Small readers for a CloudFormation template."""


def of_type(resources, kind):
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def functions(resources):
    return of_type(resources, "AWS::Serverless::Function")


def as_list(value):
    return value if isinstance(value, list) else [value]


def role_statements(resources, role_name):
    """The statements of every inline policy of a role."""
    role = resources[role_name]["Properties"]
    return [statement for policy in role.get("Policies", [])
            for statement in as_list(policy["PolicyDocument"]["Statement"])]


def role_of(function):
    return function["Properties"]["Role"]["Fn::GetAtt"][0]


def refs(value):
    """Every logical id a Ref, Fn::GetAtt or Fn::Sub in `value` points to."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text, local = (inner[0], inner[1]) if isinstance(inner, list) else (inner, {})
                named = {part.split("}")[0].split(".")[0] for part in text.split("${")[1:]}
                found |= (named - set(local)) | refs(local)
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found
