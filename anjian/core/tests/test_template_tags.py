from django.template import Context, Template


def render(text: str, **context) -> str:
    return Template("{% load anjian %}" + text).render(Context(context))


def test_options_marks_the_selected_value_and_escapes_labels():
    choices = [("310110", "杨浦区"), ("310109", "<虹口区>"), (3, "三")]
    html = render("{% options choices selected %}", choices=choices, selected="310109")
    assert html == (
        '<option value="310110">杨浦区</option>'
        '<option value="310109" selected>&lt;虹口区&gt;</option>'
        '<option value="3">三</option>'
    )


def test_options_compares_values_as_text():
    html = render("{% options choices selected %}", choices=[(3, "三")], selected=3)
    assert html == '<option value="3" selected>三</option>'


def test_options_without_selection_selects_nothing():
    html = render("{% options choices missing.code %}", choices=[("a", "A"), ("b", "B")])
    assert "selected" not in html
