"""The card page an operator's workplace loads for a call."""

import json

from tests.personas import logged_in

from zvonar.campaigns.models import Script, ScriptAnswer, ScriptStep


def test_a_script_step_cannot_run_code_in_the_operators_page(olgas_call, operator_olga):
    """A script is written by supervisors and read by operators: its text reaches the page as
    data, and nothing in it can close the data's script element."""
    script = Script.objects.create(name="Продажа")
    step = ScriptStep.objects.create(
        script=script, title="Приветствие</script><script>alert(1)</script>", text="Здравствуйте"
    )
    ScriptAnswer.objects.create(step=step, text="Да & <нет>")
    olgas_call.project.script = script
    olgas_call.project.save()
    response = logged_in(operator_olga).get(f"/workplace/calls/{olgas_call.pk}/card/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    # The page reads the same texts back from the data.
    data = html.split('<script type="application/json">', 1)[1].split("</script>", 1)[0]
    [read] = json.loads(data)
    assert read["title"] == step.title
    assert read["answers"][0]["text"] == "Да & <нет>"
