package ct
import ("testing";"time";"qcode/coding/codingtest")
func TestBuild(t *testing.T){
  t0:=time.Now()
  if err:=codingtest.Build(t.TempDir()+"/x.qcode", codingtest.Shape{Segments:200000, Codings:500000, Coders:8}); err!=nil {t.Fatal(err)}
  t.Log(time.Since(t0))
}
