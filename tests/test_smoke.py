def test_sign_in_and_me(signed_in):
    me = signed_in.get("/api/me")
    assert me.status == 200, me
    assert me.json["email"] == "ada@example.com"
    assert me.json["balance"] == 0
