"""/api/v1/enterprises/: list, detail, create, update, with real bearer tokens."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anjian.accounts.models import ApiToken
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Department
from testsupport import world

LIST = "/api/v1/enterprises/"
GOOD_CODE = world.credit_code(801)
WRONG_CHECK = GOOD_CODE[:-1] + ("1" if GOOD_CODE.endswith("0") else "0")


def detail(pk: int) -> str:
    return f"/api/v1/enterprises/{pk}"


def post(client, payload) -> object:
    return client.post(LIST, data=json.dumps(payload), content_type="application/json")


def patch(client, pk: int, payload) -> object:
    return client.patch(detail(pk), data=json.dumps(payload), content_type="application/json")


def payload(**overrides) -> dict:
    """A valid EnterpriseIn body for 殷行街道."""
    body = {
        "name": "上海接口登记有限公司",
        "credit_code": world.credit_code(800),
        "legal_representative": "孙九",
        "principal_name": "孙九",
        "principal_phone": "13600136000",
        "address": "上海市杨浦区殷行路200号",
        "latitude": "31.322",
        "longitude": "121.532",
        "street": world.YINHANG,
        "industry": "hazchem",
        "economic_code": "2614",
        "employees": 40,
        "scale": "below",
        "supervision_grade": "C",
    }
    body.update(overrides)
    return body


def errors_by_field(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content.decode()
    found: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        assert error["loc"][0] == "body"
        field = error["loc"][1] if len(error["loc"]) > 1 else "__all__"
        found.setdefault(field, []).append(error["msg"])
    return found


def names(response) -> set[str]:
    assert response.status_code == 200, response.content.decode()
    return {item["name"] for item in response.json()["items"]}


# --- list ------------------------------------------------------------------------------------


def test_the_list_is_the_callers_scope(api_client_for, street_officer, enterprises):
    response = api_client_for(street_officer).get(LIST)
    assert names(response) == {
        world.ENTERPRISE_NAMES["yinhang_chemical"],
        world.ENTERPRISE_NAMES["yinhang_site"],
    }
    assert response.json()["count"] == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "殷行"}, {"yinhang_chemical", "yinhang_site"}),
        ({"q": world.credit_code(3)}, {"pingliang_factory"}),
        ({"street": world.PINGLIANG}, {"pingliang_factory"}),
        ({"industry": "construction"}, {"yinhang_site"}),
        ({"supervision_grade": "B", "industry": "hazchem"}, {"yinhang_chemical"}),
        ({"supervision_grade": "A"}, set()),
        ({"standardisation_grade": "none"}, {"yinhang_site"}),
        ({"flag": ["involves_hazchem"]}, set()),
        ({"status": "operating"}, {"yinhang_chemical", "yinhang_site", "pingliang_factory"}),
    ],
)
def test_the_list_takes_the_pages_filters(
    api_client_for, district_official, enterprises, params, expected
):
    response = api_client_for(district_official).get(LIST, params)
    assert names(response) == {world.ENTERPRISE_NAMES[n] for n in expected}


def test_the_list_filters_by_department_and_insurance(
    api_client_for, district_official, enterprises
):
    client = api_client_for(district_official)
    housing = enterprises["yinhang_site"].supervising_department
    assert names(client.get(LIST, {"department": housing.pk})) == {
        world.ENTERPRISE_NAMES["yinhang_site"]
    }
    today = timezone.localdate()
    services.enterprise_update(
        by=district_official,
        enterprise_id=enterprises["pingliang_factory"].pk,
        data={"insured_until": today - timedelta(days=3)},
        expected_version=1,
    )
    assert names(client.get(LIST, {"insurance": "expired"})) == {
        world.ENTERPRISE_NAMES["pingliang_factory"]
    }


def test_the_list_sorts(api_client_for, district_official, enterprises):
    response = api_client_for(district_official).get(LIST, {"sort": "-name"})
    listed = [item["name"] for item in response.json()["items"]]
    assert listed == sorted(listed, reverse=True)
    assert len(listed) == 3


def test_the_list_pages_by_fifty(api_client_for, admin, district_official):
    resolver = services.DepartmentResolver()
    rows = []
    for n in range(55):
        enterprise = Enterprise(
            **world.enterprise_data(
                name=f"接口分页{n:02d}", credit_code=world.credit_code(3000 + n)
            )
        )
        services.prepare_for_bulk(enterprise, by=admin, departments=resolver)
        rows.append(enterprise)
    services.enterprise_bulk_create(by=admin, enterprises=rows)
    client = api_client_for(district_official)

    first = client.get(LIST, {"q": "接口分页"}).json()
    second = client.get(LIST, {"q": "接口分页", "page": 2}).json()
    assert first["count"] == second["count"] == 55
    assert [item["name"] for item in first["items"]] == [f"接口分页{n:02d}" for n in range(50)]
    assert [item["name"] for item in second["items"]] == [f"接口分页{n:02d}" for n in range(50, 55)]


def test_a_filter_outside_the_scope_is_a_422_on_the_query(
    api_client_for, street_officer, enterprises
):
    response = api_client_for(street_officer).get(LIST, {"street": world.PINGLIANG})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "street"]
    assert "选择一个有效的选项" in error["msg"]


# --- detail ----------------------------------------------------------------------------------


def test_the_detail_has_the_record_and_its_version(api_client_for, street_officer, enterprises):
    chemical = enterprises["yinhang_chemical"]
    body = api_client_for(street_officer).get(detail(chemical.pk)).json()
    assert body["id"] == chemical.pk
    assert body["credit_code"] == chemical.credit_code
    assert body["street"] == {"code": world.YINHANG, "name": "殷行街道"}
    assert body["grid"] == {"code": world.YINHANG + "W001", "name": "第1网格"}
    assert body["industry"] == {"code": "hazchem", "name": "危险化学品"}
    assert body["supervising_department"]["name"] == "杨浦区应急管理局"
    assert body["department_overridden"] is False
    assert body["latitude"] == "31.320000"
    assert body["standardisation_expires"] == "2027-06-30"
    assert body["version"] == 1


def test_the_detail_outside_the_scope_is_404(api_client_for, street_officer, enterprises):
    response = api_client_for(street_officer).get(detail(enterprises["pingliang_factory"].pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    assert api_client_for(street_officer).get(detail(999_999)).json() == {"detail": "未找到"}


# --- create ----------------------------------------------------------------------------------


def test_creating_answers_201_with_the_new_record(api_client_for, street_officer):
    response = post(api_client_for(street_officer), payload())
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert enterprise.name == "上海接口登记有限公司"
    assert enterprise.created_by == street_officer
    assert body["economic_code"] == "C2614"  # normalised as on the page
    assert body["supervising_department"]["name"] == "杨浦区应急管理局"
    assert body["version"] == 1


def test_creating_with_a_hand_picked_department(api_client_for, district_official):
    market = Department.objects.get(name="杨浦区市场监督管理局")
    response = post(api_client_for(district_official), payload(supervising_department=market.pk))
    assert response.status_code == 201, response.content.decode()
    assert response.json()["supervising_department"]["id"] == market.pk
    assert response.json()["department_overridden"] is True


def test_creating_is_audited_as_the_tokens_user(api_client_for, street_officer):
    from auditlog.models import LogEntry

    response = post(api_client_for(street_officer), payload())
    entry = LogEntry.objects.get_for_object(Enterprise.objects.get(pk=response.json()["id"])).get()
    assert entry.actor == street_officer


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": WRONG_CHECK}, "credit_code", f"应为“{GOOD_CODE[-1]}”"),
        ({"credit_code": "123"}, "credit_code", "应为18位"),
        ({"economic_code": "E2614"}, "economic_code", "不属于门类 E"),
        ({"principal_phone": "12"}, "principal_phone", ""),
        ({"street": world.PINGLIANG}, "street", "街镇不存在或不在您的管辖范围内"),
        ({"industry": "nope"}, "industry", "监管行业不存在或不在您的监管范围内"),
        ({"scale": "huge"}, "scale", "选择一个有效的选项"),
        ({"latitude": "39.9", "longitude": "116.4"}, "latitude", "请使用WGS-84经纬度"),
        (
            {"standardisation_grade": "1"},
            "standardisation_expires",
            "已达标的单位请填写标准化有效期",
        ),
    ],
)
def test_creating_with_bad_fields_is_a_422_in_chinese_on_each_field(
    api_client_for, street_officer, overrides, field, message
):
    before = Enterprise.objects.count()
    errors = errors_by_field(post(api_client_for(street_officer), payload(**overrides)))
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in errors[field]), errors
    assert Enterprise.objects.count() == before


def test_creating_a_duplicate_is_a_422_naming_the_existing_enterprise(
    api_client_for, district_official, enterprises
):
    response = post(
        api_client_for(district_official),
        payload(credit_code=enterprises["pingliang_factory"].credit_code),
    )
    (message,) = errors_by_field(response)["credit_code"]
    assert "上海平凉机械制造有限公司" in message


def test_creating_without_required_fields_is_a_422_naming_them(api_client_for, street_officer):
    body = payload()
    del body["name"], body["employees"]
    response = post(api_client_for(street_officer), body)
    assert response.status_code == 422
    missing = {error["loc"][-1] for error in response.json()["detail"]}
    assert missing == {"name", "employees"}


def test_the_housing_official_cannot_create_a_hazchem_enterprise(api_client_for, housing_official):
    errors = errors_by_field(post(api_client_for(housing_official), payload()))
    assert "industry" in errors
    response = post(
        api_client_for(housing_official), payload(industry="construction", economic_code="E4710")
    )
    assert response.status_code == 201


@pytest.mark.parametrize("actor", ["leader", "inspector", "enterprise_manager", "expert"])
def test_roles_without_the_right_to_add_get_403(api_client_for, actor):
    before = Enterprise.objects.count()
    response = post(api_client_for(world.actor(actor)), payload())
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权执行此操作"}
    assert Enterprise.objects.count() == before


def test_the_expert_cannot_even_list(api_client_for, expert):
    assert api_client_for(expert).get(LIST).status_code == 403


def test_malformed_json_is_a_400_with_a_clear_message(api_client_for, street_officer):
    before = Enterprise.objects.count()
    response = api_client_for(street_officer).post(
        LIST, data='{"name": "少了右括号"', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON"}
    assert Enterprise.objects.count() == before


def test_a_wrongly_typed_field_is_a_422(api_client_for, street_officer):
    response = post(api_client_for(street_officer), payload(employees="很多"))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "employees"], "msg": "应为整数", "type": "int_parsing"}
    ]


def test_a_missing_required_field_is_named_in_chinese(api_client_for, street_officer):
    body = payload()
    del body["name"]
    response = post(api_client_for(street_officer), body)
    assert response.status_code == 422
    assert {"loc": ["body", "name"], "msg": "必填", "type": "missing"} in response.json()["detail"]


# --- update ----------------------------------------------------------------------------------


def test_patching_changes_only_the_given_fields_and_bumps_the_version(
    api_client_for, district_official, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    response = patch(
        api_client_for(district_official), chemical.pk, {"version": 1, "employees": 260}
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["employees"], body["version"]) == (260, 2)
    chemical.refresh_from_db()
    assert chemical.employees == 260
    assert chemical.grid_id == world.YINHANG + "W001"  # untouched fields keep their values
    assert chemical.name == "上海殷行化工有限公司"
    assert chemical.standardisation_grade == "3"


def test_patching_the_industry_re_derives_the_department(
    api_client_for, district_official, enterprises
):
    site = enterprises["yinhang_site"]
    response = patch(
        api_client_for(district_official),
        site.pk,
        {"version": 1, "industry": "machinery", "economic_code": "C3411"},
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["supervising_department"]["name"] == "杨浦区应急管理局"


def test_patching_with_a_stale_version_is_a_409_and_changes_nothing(
    api_client_for, district_official, street_officer, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    assert (
        patch(
            api_client_for(street_officer), chemical.pk, {"version": 1, "employees": 7}
        ).status_code
        == 200
    )
    response = patch(api_client_for(district_official), chemical.pk, {"version": 1, "employees": 8})
    assert response.status_code == 409
    assert response.json() == {"detail": "该记录已被他人修改，请刷新页面后重新编辑。"}
    chemical.refresh_from_db()
    assert (chemical.employees, chemical.version) == (7, 2)


def test_patching_without_a_version_is_a_422(api_client_for, district_official, enterprises):
    response = patch(
        api_client_for(district_official), enterprises["yinhang_chemical"].pk, {"employees": 8}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "version"


def test_patching_a_bad_value_is_a_422_on_that_field(
    api_client_for, district_official, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    errors = errors_by_field(
        patch(
            api_client_for(district_official), chemical.pk, {"version": 1, "economic_code": "E2614"}
        )
    )
    assert "不属于门类 E" in errors["economic_code"][0]
    chemical.refresh_from_db()
    assert chemical.version == 1


def test_patching_a_street_out_of_scope_is_a_422(api_client_for, street_officer, enterprises):
    site = enterprises["yinhang_site"]
    errors = errors_by_field(
        patch(api_client_for(street_officer), site.pk, {"version": 1, "street": world.PINGLIANG})
    )
    assert "street" in errors
    site.refresh_from_db()
    assert site.street_id == world.YINHANG


def test_patching_outside_the_scope_is_404(api_client_for, street_officer, enterprises):
    factory = enterprises["pingliang_factory"]
    response = patch(api_client_for(street_officer), factory.pk, {"version": 1, "employees": 1})
    assert response.status_code == 404
    factory.refresh_from_db()
    assert factory.employees == 120


def test_the_enterprise_manager_patches_its_own_contacts(
    api_client_for, enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    client = api_client_for(enterprise_manager)
    response = patch(client, chemical.pk, {"version": 1, "principal_phone": "13955556666"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["principal_phone"] == "13955556666"

    errors = errors_by_field(
        patch(client, chemical.pk, {"version": 2, "name": "改名", "supervision_grade": "D"})
    )
    assert errors["__all__"] == ["无权修改字段 name", "无权修改字段 supervision_grade"]
    chemical.refresh_from_db()
    assert (chemical.name, chemical.supervision_grade) == ("上海殷行化工有限公司", "B")


@pytest.mark.parametrize("actor", ["leader", "inspector", "expert"])
def test_roles_without_the_right_to_change_get_403(api_client_for, enterprises, actor):
    chemical = enterprises["yinhang_chemical"]
    response = patch(
        api_client_for(world.actor(actor)), chemical.pk, {"version": 1, "employees": 1}
    )
    assert response.status_code == 403
    chemical.refresh_from_db()
    assert chemical.employees == 120


# --- token authentication ------------------------------------------------------------------


def bearer(raw: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}"})


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response.json() == {"detail": "API 令牌无效、已过期或已吊销"}
    assert response["WWW-Authenticate"] == 'Bearer realm="anjian"'


def test_an_invalid_token_is_401(db):
    assert_401(bearer("aj_not-a-real-token").get(LIST))


def test_an_expired_token_is_401(district_official):
    token, raw = ApiToken.issue(user=district_official, name="过期")
    assert bearer(raw).get(LIST).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(bearer(raw).get(LIST))


def test_a_revoked_token_is_401(district_official):
    token, raw = ApiToken.issue(user=district_official, name="吊销")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_401(bearer(raw).get(LIST))
    assert_401(bearer(raw).post(LIST, data=json.dumps(payload()), content_type="application/json"))


def test_a_token_of_a_deactivated_user_is_401(district_official):
    _token, raw = ApiToken.issue(user=district_official, name="离职")
    district_official.is_active = False
    district_official.save(update_fields=["is_active"])
    assert_401(bearer(raw).get(LIST))


def test_a_bad_token_is_refused_even_with_a_valid_session(client_for, district_official):
    client = client_for(district_official)
    assert client.get(LIST).status_code == 200
    assert_401(client.get(LIST, headers={"authorization": "Bearer aj_wrong"}))


def test_no_credentials_at_all_is_401(db):
    response = Client().get(LIST)
    assert response.status_code == 401
    assert response.json() == {"detail": "需要登录或提供有效的 API 令牌"}


def test_a_token_request_needs_no_csrf_but_a_session_post_does(api_client_for, district_official):
    assert post(api_client_for(district_official), payload()).status_code == 201
    session = Client(enforce_csrf_checks=True)
    session.force_login(district_official)
    before = Enterprise.objects.count()
    response = session.post(
        LIST,
        data=json.dumps(payload(credit_code=world.credit_code(802))),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}
    assert Enterprise.objects.count() == before


def test_using_a_token_records_when_it_was_last_used(district_official):
    token, raw = ApiToken.issue(user=district_official, name="记录")
    assert token.last_used_at is None
    bearer(raw).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at is not None
